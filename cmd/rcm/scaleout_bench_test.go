package main

import (
	"context"
	"log/slog"
	"testing"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// BenchmarkScrubberPerClick compares building a scrubber the old way, from
// the database on every click (scrubberFor), with the server's shared
// loaded catalogue (liveCatalog), on the starter code set.
func BenchmarkScrubberPerClick(b *testing.B) {
	db := sqldbtest.Open(b, sqldb.SQLite)
	ctx := context.Background()
	today := rcm.MustParseDate("2026-01-05")
	b.Run("reload", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := scrubberFor(ctx, db, today, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
	live, err := newLiveCatalog(ctx, db, slog.New(slog.DiscardHandler))
	if err != nil {
		b.Fatal(err)
	}
	b.Run("shared", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := live.Scrubber(ctx, today, 1); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkTokenCheck compares checking an API token in the database on
// every request with the verified-token cache.
func BenchmarkTokenCheck(b *testing.B) {
	db := sqldbtest.Open(b, sqldb.SQLite)
	ctx, _ := sqldbtest.Org(b, db, "Org Bench")
	a, _ := rcm.ActorFromContext(ctx)
	_, secret, err := db.CreateAPIToken(ctx, a.UserID, "bench", 0)
	if err != nil {
		b.Fatal(err)
	}
	bg := context.Background()
	b.Run("database", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := db.SignInWithToken(bg, secret, "127.0.0.1"); err != nil {
				b.Fatal(err)
			}
		}
	})
	c := newTokenCache(db, tokenTTL)
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := c.SignInWithToken(bg, secret, "127.0.0.1"); err != nil {
				b.Fatal(err)
			}
		}
	})
}
