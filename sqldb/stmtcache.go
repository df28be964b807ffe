package sqldb

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
	"time"
)

// maxCachedStmts bounds the statements kept prepared per database. The
// query texts are constants, IN lists padded to a few sizes (placeholders)
// and bulk inserts cut into a few sizes (insertMany), so the distinct texts
// number in the hundreds; past the bound a text is simply prepared each
// time, as without the cache.
const maxCachedStmts = 1024

// prepareWait bounds the wait for a free connection to prepare on.
const prepareWait = 50 * time.Millisecond

// stmtCache keeps SQLite statements prepared across transactions. SQLite
// parses and plans a statement on every prepare, and modernc.org/sqlite
// prepares every query afresh: for the page-sized IN lists and multi-row
// INSERTs of the set-based claim pipeline that was about a sixth of its
// CPU time. PostgreSQL needs none: pgx keeps its own statement cache per
// connection.
type stmtCache struct {
	m sync.Map // query text (already rebound) -> *sql.Stmt
	n atomic.Int32
	// off is set for an in-memory database: its one connection is held by
	// the transaction, so preparing on the pool would wait forever.
	off bool
}

// cached returns the database-wide prepared statement of query, preparing
// it on first use, or nil when statements are not cached (PostgreSQL, an
// in-memory database, a full cache, a failed prepare: the caller then runs
// the text as before, and reports its error).
func (db *DB) cached(ctx context.Context, query string) *sql.Stmt {
	if db.dialect != SQLite || db.stmts.off {
		return nil
	}
	if s, ok := db.stmts.m.Load(query); ok {
		return s.(*sql.Stmt)
	}
	if db.stmts.n.Load() >= maxCachedStmts {
		return nil
	}
	// Preparing takes a connection of the pool. A caller inside a
	// transaction already holds one; when every connection is held by such
	// callers, waiting for another would never end, so the wait is short
	// and the text runs unprepared instead.
	pctx, cancel := context.WithTimeout(ctx, prepareWait)
	defer cancel()
	s, err := db.db.PrepareContext(pctx, query)
	if err != nil {
		return nil
	}
	if prev, loaded := db.stmts.m.LoadOrStore(query, s); loaded {
		s.Close()
		return prev.(*sql.Stmt)
	}
	db.stmts.n.Add(1)
	return s
}

// stmt returns the transaction's copy of the cached statement of query
// (prepared on the transaction's connection once, then reused), or nil.
func (tx *Tx) stmt(ctx context.Context, query string) *sql.Stmt {
	s := tx.db.cached(ctx, query)
	if s == nil {
		return nil
	}
	if ts, ok := tx.prepared[s]; ok {
		return ts
	}
	ts := tx.tx.StmtContext(ctx, s)
	if tx.prepared == nil {
		tx.prepared = map[*sql.Stmt]*sql.Stmt{}
	}
	tx.prepared[s] = ts
	return ts
}

// closeStmts closes the cached statements, before the database closes.
func (c *stmtCache) close() {
	c.m.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		c.m.Delete(k)
		return true
	})
}
