package main

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/sqldb"
)

// tokenCache remembers, for a few seconds, the tokens the database has
// verified, so that the API's lightest routes do not each wait on a token
// query. Only good tokens are kept (bad ones go to the database every
// time, so guessing stays throttled), under the SHA-256 of the secret
// (the secret itself is never kept), for tokenTTL: a token revoked or
// expired on any instance stops working on every instance within that
// time. While a client address is throttled, a token it used a moment ago
// still works until its entry expires.
type tokenCache struct {
	*sqldb.DB
	ttl time.Duration
	now func() time.Time

	mu sync.Mutex
	m  map[[32]byte]cachedToken
}

type cachedToken struct {
	user rcm.User
	at   time.Time
}

// tokenTTL bounds how long a revoked token may still be accepted.
const tokenTTL = 5 * time.Second

// maxCachedTokens bounds the cache's memory; when full it starts again.
const maxCachedTokens = 10000

func newTokenCache(db *sqldb.DB, ttl time.Duration) *tokenCache {
	return &tokenCache{DB: db, ttl: ttl, now: time.Now, m: map[[32]byte]cachedToken{}}
}

// SignInWithToken implements rcm.SignInService through the cache.
func (c *tokenCache) SignInWithToken(ctx context.Context, secret, client string) (*rcm.User, error) {
	key := sha256.Sum256([]byte(secret))
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < c.ttl {
		u := e.user
		return &u, nil
	}
	u, err := c.DB.SignInWithToken(ctx, secret, client)
	if err != nil {
		if ok {
			c.mu.Lock()
			delete(c.m, key)
			c.mu.Unlock()
		}
		return nil, err
	}
	c.mu.Lock()
	if len(c.m) >= maxCachedTokens {
		clear(c.m)
	}
	c.m[key] = cachedToken{user: *u, at: now}
	c.mu.Unlock()
	return u, nil
}
