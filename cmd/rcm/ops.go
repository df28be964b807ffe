package main

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/metrics"
	"github.com/openrcm/openrcm/sqldb"
)

// opsHandler answers what operators' tools ask every process: /metrics
// (Prometheus), /healthz (the process is alive) and /readyz (the database
// answers and its schema, River's tables included, is current). Other
// paths go to next, or are not found.
func opsHandler(db *sqldb.DB, m *metrics.Set, next http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
		defer cancel()
		err := db.Ready(ctx)
		if err == nil {
			err = jobs.Current(ctx, db.SQL(), db.Dialect())
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if err != nil {
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"status":"not ready"}` + "\n"))
			return
		}
		w.Write([]byte(`{"status":"ready"}` + "\n"))
	})
	if next == nil {
		mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"status":"ok"}` + "\n"))
		})
		return mux
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/metrics":
			// On the serve address, metrics are for this machine only: they
			// name routes and volumes an outsider has no business seeing.
			if !loopbackPeer(r) {
				http.NotFound(w, r)
				return
			}
			mux.ServeHTTP(w, r)
		case "/readyz":
			mux.ServeHTTP(w, r)
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// healthTimeout bounds the checks of /readyz.
const healthTimeout = 3 * time.Second

// loopbackPeer reports whether the request came straight from this
// machine (not through a proxy that forwarded it).
func loopbackPeer(r *http.Request) bool {
	if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("Forwarded") != "" {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(strings.TrimPrefix(host, "::ffff:"))
	return ip != nil && ip.IsLoopback()
}
