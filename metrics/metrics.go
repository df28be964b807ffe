// Package metrics is OpenRCM's Prometheus metrics: requests by route,
// jobs by kind, postings and claims submitted, and the database pool. One
// Set per process; rcm serve answers it at /metrics to loopback clients or
// on a listener of its own (--metrics-addr), rcm worker on --metrics-addr.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Totals reads the database's running totals: 835 claim payments posted
// and claims submitted, by every process, not just this one.
type Totals func(ctx context.Context) (posted, submitted int64, err error)

// Set is the metrics of one process.
type Set struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	jobs      *prometheus.CounterVec
	jobTime   *prometheus.HistogramVec
	jobFailed *prometheus.CounterVec
}

// New makes the Set for a process on db; totals may be nil.
func New(db *sql.DB, totals Totals) *Set {
	s := &Set{reg: prometheus.NewRegistry()}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rcm_http_requests_total",
		Help: "HTTP requests answered, by method, route pattern and status code."}, []string{"method", "route", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rcm_http_request_duration_seconds",
		Help: "Time to answer an HTTP request, by method and route pattern.", Buckets: prometheus.DefBuckets},
		[]string{"method", "route"})
	s.jobs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rcm_jobs_total",
		Help: "Jobs worked by this process, by kind and result (ok or failed)."}, []string{"kind", "result"})
	s.jobFailed = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rcm_job_failures_total",
		Help: "Job attempts that failed, by kind (River retries them with backoff)."}, []string{"kind"})
	s.jobTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rcm_job_duration_seconds",
		Help: "Time to work a job, by kind.", Buckets: []float64{.01, .05, .1, .5, 1, 5, 30, 120, 600}}, []string{"kind"})
	s.reg.MustRegister(s.requests, s.latency, s.jobs, s.jobFailed, s.jobTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if db != nil {
		s.reg.MustRegister(collectors.NewDBStatsCollector(db, "rcm"))
	}
	if totals != nil {
		s.reg.MustRegister(&totalsCollector{read: totals})
	}
	return s
}

// ObserveRequest counts one HTTP request. route is the pattern that
// matched ("GET /api/v1/patients/{id}"), never the path, so ids (and
// anything a client puts in a path) do not become labels.
func (s *Set) ObserveRequest(method, route string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	s.requests.WithLabelValues(method, route, strconv.Itoa(status)).Inc()
	s.latency.WithLabelValues(method, route).Observe(d.Seconds())
}

// JobDone counts one job attempt (jobs.Observer).
func (s *Set) JobDone(kind string, d time.Duration, err error) {
	result := "ok"
	if err != nil {
		result = "failed"
		s.jobFailed.WithLabelValues(kind).Inc()
	}
	s.jobs.WithLabelValues(kind, result).Inc()
	s.jobTime.WithLabelValues(kind).Observe(d.Seconds())
}

// Handler serves the metrics in Prometheus's text format.
func (s *Set) Handler() http.Handler {
	return promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})
}

// totalsCollector reads the database totals at scrape time, at most once
// per totalsTTL, so that many scrapers do not count the tables each time.
type totalsCollector struct {
	read Totals
	mu   sync.Mutex
	at   time.Time
	p, c int64
}

const totalsTTL = 15 * time.Second

var (
	postedDesc    = prometheus.NewDesc("rcm_claim_payments_posted", "835 claim payments posted, in the whole database.", nil, nil)
	submittedDesc = prometheus.NewDesc("rcm_claims_submitted", "Claims sent in 837P submissions, in the whole database.", nil, nil)
)

func (c *totalsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- postedDesc
	ch <- submittedDesc
}

func (c *totalsCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) > totalsTTL {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		p, s, err := c.read(ctx)
		if err != nil {
			ch <- prometheus.NewInvalidMetric(postedDesc, err)
			return
		}
		c.p, c.c, c.at = p, s, time.Now()
	}
	ch <- prometheus.MustNewConstMetric(postedDesc, prometheus.GaugeValue, float64(c.p))
	ch <- prometheus.MustNewConstMetric(submittedDesc, prometheus.GaugeValue, float64(c.c))
}
