package main

import (
	"context"
	"errors"
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
	fs := newFlagSet(env, "serve", "[--db DB] [--addr HOST:PORT] [--secure-cookies]")
	dsn := dbFlag(fs, env)
	defAddr := env.Getenv("RCM_ADDR")
	if defAddr == "" {
		defAddr = "127.0.0.1:8080"
	}
	addr := fs.String("addr", defAddr, "address to listen on (env RCM_ADDR)")
	secure := fs.Bool("secure-cookies", false, "mark workbench cookies Secure (behind a TLS-terminating proxy)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if _, _, err := net.SplitHostPort(*addr); err != nil {
		return usagef("--addr %q is not HOST:PORT", *addr)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	return serve(ctx, env, *dsn, ln, *secure)
}

// serve runs the server on ln until ctx is cancelled, then shuts down
// gracefully. It takes a listener rather than an address so a test can
// listen on a free port and know which one it got.
func serve(ctx context.Context, env *Env, dsn string, ln net.Listener, secureCookies bool) error {
	defer ln.Close()
	// Behind a reverse proxy, RCM_TRUSTED_PROXIES names it, so sign-in
	// throttling counts the client's address from X-Forwarded-For rather
	// than the proxy's.
	trusted, err := web.ParseTrustedProxies(env.Getenv("RCM_TRUSTED_PROXIES"))
	if err != nil {
		return usagef("RCM_TRUSTED_PROXIES: %v", err)
	}
	db, err := openDB(ctx, dsn)
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
		Transport:     openTransport,
		Clock:         rcm.SystemClock{},
		Logger:        logger,
		SecureCookies: secureCookies,
	})
	if err != nil {
		return err
	}
	srv, err := web.NewServer(web.Config{
		Organizations: db, Payers: db, Patients: db, Encounters: db, Users: db, Audit: db,
		Ping:           db.Ping,
		Clock:          rcm.SystemClock{},
		Logger:         logger,
		UI:             workbench,
		TrustedProxies: trusted,
	})
	if err != nil {
		return err
	}
	srv.RouteCodes(cat)
	srv.RouteRemittances(db, func(ctx context.Context) (any, error) { return db.FindPatientBalances(ctx) })
	srv.RoutePatientPayments(db)
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
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	logger.Info("serving", "addr", ln.Addr().String(), "dialect", db.Dialect())

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
