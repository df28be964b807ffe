package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/claim"
	"github.com/openrcm/openrcm/codeset"
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
}

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

	logger := slog.New(slog.NewTextHandler(env.Stderr, nil))
	// The code sets load once at start-up; search and validation then run
	// in memory, for the API and the workbench alike.
	cat, err := catalogFor(ctx, db)
	if err != nil {
		return fmt.Errorf("load code sets: %w", err)
	}
	// Build the search index before listening, not on the first search.
	cat.Warm()
	workbench, err := ui.New(ui.Config{
		Store:   db,
		Catalog: func(context.Context) (*codeset.Catalog, error) { return cat, nil },
		Scrubber: func(ctx context.Context, today rcm.Date, orgID int64) (*claim.Scrubber, error) {
			return scrubberFor(ctx, db, today, orgID)
		},
		Transport: openTransport,
		Clock:     rcm.SystemClock{},
		Logger:    logger,
	})
	if err != nil {
		return err
	}
	srv, err := web.NewServer(web.Config{
		Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db,
		Ping:      db.Ping,
		Clock:     rcm.SystemClock{},
		Logger:    logger,
		UI:        workbench,
		Transport: opts.transport,
	})
	if err != nil {
		return err
	}
	srv.RouteCodes(cat)
	srv.RouteRemittances(db, func(ctx context.Context) (any, error) { return db.FindPatientBalances(ctx) })
	srv.RoutePatientPayments(db)
	srv.RouteCredits(db)
	srv.RouteKPI(db)
	srv.RouteFollowUp(db)
	srv.RouteCredentials(db)
	hs := &http.Server{
		Handler:           srv,
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
		"secure_cookies", opts.transport.SecureCookies, "trusted_proxies", len(opts.transport.TrustedProxies))
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
