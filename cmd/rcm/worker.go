package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

func init() {
	register("worker", "run background and scheduled jobs (clearinghouse polls, ...) until stopped", runWorker)
}

func runWorker(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "worker", "[--db DB] [--workers N] [--metrics-addr HOST:PORT] [--log-json]")
	dsn := dbFlag(fs, env)
	workers := fs.Int("workers", 4, "jobs run at once")
	metricsAddr := fs.String("metrics-addr", env.Getenv("RCM_METRICS_ADDR"), "serve Prometheus metrics, /healthz and /readyz on this address (env RCM_METRICS_ADDR)")
	tick := fs.Duration("tick", 30*time.Second, "how often the scheduler looks at the schedules")
	timeout := fs.Duration("job-timeout", 10*time.Minute, "a job running longer is cancelled and retried; a job whose worker died is handed on after 1.5 times this")
	logJSON := fs.Bool("log-json", env.Getenv("RCM_LOG") == "json", "log JSON lines (env RCM_LOG=json)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *workers < 1 {
		return usagef("--workers must be at least 1")
	}
	if *timeout < time.Second {
		return usagef("--job-timeout must be at least 1s")
	}
	if *tick < time.Second {
		return usagef("--tick must be at least 1s")
	}
	logger := newLogger(env, *logJSON)
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	m := newMetrics(db)
	q, err := openQueue(ctx, db, logger, m, queueOptions{work: true, workers: *workers, tick: *tick, timeout: *timeout})
	if err != nil {
		return err
	}
	if *metricsAddr != "" {
		ln, err := net.Listen("tcp", *metricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", *metricsAddr, err)
		}
		hs := &http.Server{Handler: opsHandler(db, m, nil), ReadHeaderTimeout: readHeaderTimeout}
		go hs.Serve(ln)
		defer hs.Close()
		logger.Info("metrics", "addr", ln.Addr().String())
	}
	logger.Info("worker started", "dialect", db.Dialect(), "workers", *workers)
	<-ctx.Done()
	logger.Info("worker stopping: finishing the jobs in hand")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := q.Stop(sctx); err != nil && !errors.Is(err, context.Canceled) {
		return fmt.Errorf("stop: %w", err)
	}
	return nil
}

// newLogger returns the process's logger: text for a person at a
// terminal, JSON lines for a log collector.
func newLogger(env *Env, json bool) *slog.Logger {
	if json {
		return slog.New(slog.NewJSONHandler(env.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(env.Stderr, nil))
}
