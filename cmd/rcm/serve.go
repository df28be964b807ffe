package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/jobs"
	"github.com/openrcm/openrcm/ui"
	"github.com/openrcm/openrcm/web"
)

func init() { register("serve", "serve the JSON API and web workbench", runServe) }

// Server timeouts. A slow or stalled client must not hold a connection
// (and its goroutine) for ever; the header timeout is the one that stops
// slowloris-style attacks.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 64 << 10
	// shutdownTimeout is how long requests in flight may finish after a
	// signal before their connections are closed.
	shutdownTimeout = 15 * time.Second
)

func runServe(ctx context.Context, env *Env, args []string) error {
	fs := newFlagSet(env, "serve", "[--db DB] [--addr HOST:PORT] [--tls-cert FILE --tls-key FILE] [--trusted-proxy CIDR[,CIDR]] [--secure-cookies=true|false]")
	dsn := dbFlag(fs, env)
	addr := fs.String("addr", envOr(env, "RCM_ADDR", "127.0.0.1:8080"), "address to listen on (env RCM_ADDR)")
	certFile := fs.String("tls-cert", env.Getenv("RCM_TLS_CERT"), "serve HTTPS with this PEM certificate chain (env RCM_TLS_CERT; needs --tls-key)")
	keyFile := fs.String("tls-key", env.Getenv("RCM_TLS_KEY"), "the PEM private key of --tls-cert (env RCM_TLS_KEY)")
	proxies := fs.String("trusted-proxy", env.Getenv("RCM_TRUSTED_PROXY"), "believe X-Forwarded-Proto and X-Forwarded-For only from these peers, CIDR[,CIDR] (env RCM_TRUSTED_PROXY)")
	secure := fs.Bool("secure-cookies", false, "mark workbench cookies Secure on plain HTTP too (default: true unless listening on loopback)")
	worker := fs.Bool("worker", false, "also run the background and scheduled jobs in this process (default: true on SQLite, false on PostgreSQL, where rcm worker runs them)")
	metricsAddr := fs.String("metrics-addr", env.Getenv("RCM_METRICS_ADDR"), "serve Prometheus metrics on this address too (env RCM_METRICS_ADDR); /metrics on --addr answers loopback clients only")
	tick := fs.Duration("tick", 30*time.Second, "with --worker: how often the scheduler looks at the schedules")
	logJSON := fs.Bool("log-json", env.Getenv("RCM_LOG") == "json", "log JSON lines (env RCM_LOG=json)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usagef("--addr %q is not HOST:PORT", *addr)
	}
	if (*certFile == "") != (*keyFile == "") {
		return usagef("--tls-cert and --tls-key go together: give both to serve HTTPS, or neither")
	}
	var opts serveOptions
	opts.dsn = *dsn
	opts.metricsAddr = *metricsAddr
	opts.logJSON = *logJSON
	opts.tick = *tick
	if *tick < time.Second {
		return usagef("--tick must be at least 1s")
	}
	opts.worker = !strings.HasPrefix(*dsn, "postgres://") && !strings.HasPrefix(*dsn, "postgresql://")
	var err error
	if opts.transport.TrustedProxies, err = web.ParseTrustedProxies(*proxies); err != nil {
		return usagef("--trusted-proxy: %v", err)
	}
	if *certFile != "" {
		if opts.tls, err = loadTLS(*certFile, *keyFile); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	// Cookies are Secure on plain HTTP too unless the server listens on
	// loopback only (the demo on 127.0.0.1), or the operator says so.
	opts.transport.SecureCookies = !isLoopback(ln.Addr())
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "secure-cookies" {
			opts.transport.SecureCookies = *secure
		}
		if f.Name == "worker" {
			opts.worker = *worker
		}
	})
	return serve(ctx, env, opts, ln)
}

// envOr returns the environment variable name, or def when it is unset.
func envOr(env *Env, name, def string) string {
	if v := env.Getenv(name); v != "" {
		return v
	}
	return def
}

// loadTLS reads the certificate and key for HTTPS. TLS 1.2 is the
// minimum (HIPAA guidance and every current browser); the cipher suites
// are Go's defaults, which offer only AEAD suites with forward secrecy
// first and are kept current with each Go release.
func loadTLS(certFile, keyFile string) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, fmt.Errorf("load TLS certificate %s and key %s: %w", certFile, keyFile, err)
	}
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}, nil
}

// isLoopback reports whether a listener's address is on loopback only.
func isLoopback(a net.Addr) bool {
	tcp, ok := a.(*net.TCPAddr)
	return ok && tcp.IP.IsLoopback()
}

// serveOptions is how rcm serve was asked to serve.
type serveOptions struct {
	dsn string
	// tls, when set, makes the server speak HTTPS only.
	tls       *tls.Config
	transport web.Transport
	// worker runs the job queue in the server process.
	worker bool
	// metricsAddr, when set, is a listener of its own for /metrics.
	metricsAddr string
	logJSON     bool
	// tick, when set, is how often the scheduler looks (tests and the
	// demo shorten it).
	tick time.Duration
	// catalogCheck is how often the server asks whether a code-set or
	// NCCI release was imported; 0 means catalogCheck.
	catalogCheck time.Duration
}

// catalogCheck is how often a server looks for a newly imported release:
// one cheap query, so an import is seen everywhere within seconds.
const catalogCheck = 3 * time.Second

// serve runs the server on ln until ctx is cancelled, then shuts down
// gracefully. It takes a listener rather than an address so a test can
// listen on a free port and know which one it got.
func serve(ctx context.Context, env *Env, opts serveOptions, ln net.Listener) error {
	defer ln.Close()
	db, err := openDB(ctx, opts.dsn)
	if err != nil {
		return err
	}
	defer db.Close()

	logger := newLogger(env, opts.logJSON)
	m := newMetrics(db)
	// Without a worker the queue only enqueues and lists jobs.
	queue, err := openQueue(ctx, db, logger, m, queueOptions{work: opts.worker, tick: opts.tick})
	if err != nil {
		return err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		queue.Stop(sctx)
	}()
	if opts.metricsAddr != "" {
		mln, err := net.Listen("tcp", opts.metricsAddr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", opts.metricsAddr, err)
		}
		ms := &http.Server{Handler: opsHandler(db, m, nil), ReadHeaderTimeout: readHeaderTimeout}
		go ms.Serve(mln)
		defer ms.Close()
		logger.Info("metrics", "addr", mln.Addr().String())
	}
	// The code sets and NCCI edits load once at start-up and again when
	// any process imports a release; search, validation and scrubbing run
	// in memory, for the API and the workbench alike.
	cat, err := newLiveCatalog(ctx, db, logger)
	if err != nil {
		return err
	}
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	go cat.watch(wctx, cmp.Or(opts.catalogCheck, catalogCheck))
	workbench, err := ui.New(ui.Config{
		Store:     db,
		Catalog:   func(context.Context) (*codeset.Catalog, error) { return cat.Catalog(), nil },
		Scrubber:  cat.Scrubber,
		Transport: openTransport,
		Jobs:      jobs.Desk{Queue: queue, Store: db, Imports: db},
		Clock:     rcm.SystemClock{},
		Logger:    logger,
	})
	if err != nil {
		return err
	}
	srv, err := web.NewServer(web.Config{
		Organizations: db, Payers: db, Patients: db, Encounters: db, Users: newTokenCache(db, tokenTTL), Audit: db,
		Ping:      db.Ping,
		Clock:     rcm.SystemClock{},
		Logger:    logger,
		UI:        workbench,
		Transport: opts.transport,
		Observe:   m.ObserveRequest,
	})
	if err != nil {
		return err
	}
	srv.RouteCodesFrom(cat.Catalog)
	srv.RouteRemittances(db, func(ctx context.Context) (any, error) { return db.FindPatientBalances(ctx) })
	srv.RoutePatientPayments(db)
	srv.RouteCredits(db)
	srv.RouteKPI(db)
	srv.RouteFollowUp(db)
	srv.RouteCredentials(db)
	srv.RouteFHIR(db, cat.Codes())
	srv.RouteFees(web.FeeConfig{Store: db, Codes: cat.FeeCodes})
	srv.RouteContracts(web.ContractConfig{Store: db, Codes: cat.FeeCodes})
	srv.RouteAuthorizations(db)
	srv.RouteSuggestionDecisions(db)
	srv.RouteCodingAudit(db, cat.Catalog)
	srv.RouteClaims(web.ClaimConfig{Store: db, Transport: openTransport,
		Scrubber: cat.Scrubber})
	hs := &http.Server{
		Handler:           opsHandler(db, m, srv),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		// Requests run on a context that outlives the signal, so those in
		// flight during a graceful shutdown finish instead of failing.
		BaseContext: func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		TLSConfig:   opts.tls,
	}
	errc := make(chan error, 1)
	go func() {
		if opts.tls != nil {
			errc <- hs.ServeTLS(ln, "", "")
			return
		}
		errc <- hs.Serve(ln)
	}()
	logger.Info("serving", "addr", ln.Addr().String(), "dialect", db.Dialect(), "https", opts.tls != nil,
		"secure_cookies", opts.transport.SecureCookies, "trusted_proxies", len(opts.transport.TrustedProxies), "worker", opts.worker)
	if opts.tls == nil && !isLoopback(ln.Addr()) {
		logger.Warn("plain HTTP on a non-loopback address: serve HTTPS with --tls-cert and --tls-key, or put a TLS proxy in front (--trusted-proxy)")
	}

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}
