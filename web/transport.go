package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Transport says how requests reach the server, and so how far the server
// may believe what a request says about itself. It is the one place that
// decides whether a request came over a secure channel and which address
// the client has; everything else (cookies, HSTS, throttling keyed by
// client, the audit of a sign-in) asks ClientAddr, IsSecure and
// CookieSecure instead of reading r.TLS, r.RemoteAddr or X-Forwarded-*
// itself, so a spoofed header is refused in one place or nowhere.
type Transport struct {
	// TrustedProxies are the peers whose X-Forwarded-Proto and
	// X-Forwarded-For headers are believed. A request from any other
	// peer is taken as it arrived: anyone can send those headers.
	TrustedProxies []netip.Prefix
	// SecureCookies marks cookies Secure even on a request that came over
	// plain HTTP. rcm serve sets it whenever it listens on anything but a
	// loopback address, so a plain-HTTP deployment behind a proxy that
	// forgot X-Forwarded-Proto does not send the session cookie in clear
	// (the browser refuses to store it, and sign-in visibly fails).
	SecureCookies bool
}

// hstsValue asks browsers to use only HTTPS for a year, subdomains too.
// It is sent only on answers that came over HTTPS: browsers ignore it on
// plain HTTP, and a server reachable only over HTTP must not promise it.
const hstsValue = "max-age=31536000; includeSubDomains"

// RequestIDHeader carries the request id on every answer, so an error a
// user reports can be found in the log.
const RequestIDHeader = "X-Request-Id"

// ParseTrustedProxies reads a comma-separated list of CIDR prefixes
// ("10.0.0.0/8,192.168.1.10"); a bare address trusts that address only,
// and a prefix of every address (0.0.0.0/0, ::/0) is refused.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			if p.Bits() == 0 {
				// Trusting every peer would let any client claim https
				// and any address.
				return nil, fmt.Errorf("trusted proxy %q trusts every address; name the proxy's own address or subnet", part)
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil || a.Zone() != "" {
			return nil, fmt.Errorf("trusted proxy %q is not an address or CIDR prefix (such as 10.0.0.0/8)", part)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// requestInfo is what Transport.Handler learnt about a request.
type requestInfo struct {
	client       netip.Addr
	secure       bool
	cookieSecure bool
	id           string
}

type requestInfoKey struct{}

// Handler wraps next: it works out the request's client address and
// whether it came over a secure channel, puts them and a fresh request id
// in the request context, and sets Strict-Transport-Security on answers
// to secure requests and X-Request-Id on every answer.
func (t Transport) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := t.inspect(r)
		if info.secure {
			w.Header().Set("Strict-Transport-Security", hstsValue)
		}
		w.Header().Set(RequestIDHeader, info.id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, info)))
	})
}

// inspect reads the peer and, when the peer is a trusted proxy, the
// forwarding headers it set.
func (t Transport) inspect(r *http.Request) *requestInfo {
	info := &requestInfo{client: peerAddr(r), secure: r.TLS != nil, id: newRequestID()}
	if t.trusted(info.client) {
		info.secure = info.secure || forwardedHTTPS(r.Header.Values("X-Forwarded-Proto"))
		info.client = t.forwardedFor(info.client, r.Header.Values("X-Forwarded-For"))
	}
	info.cookieSecure = info.secure || t.SecureCookies
	return info
}

func (t Transport) trusted(a netip.Addr) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range t.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// forwardedFor walks X-Forwarded-For from the right, the hop nearest this
// server, and stops at the first address not of a trusted proxy: that is
// the client. Entries to its left were written by the client itself and
// prove nothing. A malformed entry ends the walk at the last good hop.
func (t Transport) forwardedFor(peer netip.Addr, values []string) netip.Addr {
	var hops []string
	for _, v := range values {
		hops = append(hops, strings.Split(v, ",")...)
	}
	client := peer
	for i := len(hops) - 1; i >= 0 && t.trusted(client); i-- {
		a, ok := parseHop(strings.TrimSpace(hops[i]))
		if !ok {
			break
		}
		client = a
	}
	return client
}

// forwardedHTTPS reports whether X-Forwarded-Proto says https and nothing
// else. A proxy that appends rather than replaces leaves the client's own
// value in the list; requiring every value to say https means a client
// cannot add "https" in front of a proxy's "http".
func forwardedHTTPS(values []string) bool {
	seen := false
	for _, v := range values {
		for _, p := range strings.Split(v, ",") {
			if !strings.EqualFold(strings.TrimSpace(p), "https") {
				return false
			}
			seen = true
		}
	}
	return seen
}

// peerAddr is the address of the connection's other end.
func peerAddr(r *http.Request) netip.Addr {
	if ap, err := netip.ParseAddrPort(r.RemoteAddr); err == nil {
		return ap.Addr().Unmap()
	}
	a, _ := parseHop(r.RemoteAddr)
	return a
}

// parseHop reads one address as proxies write them: bare, with a port, or
// bracketed IPv6.
func parseHop(s string) (netip.Addr, bool) {
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap(), true
	}
	return netip.Addr{}, false
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail (Go 1.24+)
	return hex.EncodeToString(b)
}

// info returns what Transport.Handler learnt about r. A request that did
// not pass through it (a handler tested on its own) is taken as it came:
// its peer address, secure only over TLS, and no request id.
func info(r *http.Request) *requestInfo {
	if i, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		return i
	}
	return &requestInfo{client: peerAddr(r), secure: r.TLS != nil, cookieSecure: r.TLS != nil}
}

// ClientAddr returns the address of the client that sent r: the
// connection's peer, or, when the peer is a trusted proxy, the first
// untrusted address in X-Forwarded-For counted from the right. It is the
// zero Addr when the peer is not an IP address. Key anything per client
// (sign-in throttling, audit) on this, never on the headers.
func ClientAddr(r *http.Request) netip.Addr { return info(r).client }

// IsSecure reports whether r came over a secure channel: TLS to this
// server, or a trusted proxy that says the client used https.
func IsSecure(r *http.Request) bool { return info(r).secure }

// CookieSecure reports whether cookies set in answer to r must be marked
// Secure: when r came over a secure channel, and also on plain HTTP when
// the server does not listen on loopback only (Transport.SecureCookies).
func CookieSecure(r *http.Request) bool { return info(r).cookieSecure }

// RequestID returns the id Transport.Handler gave r, also sent to the
// client in X-Request-Id; a request that did not pass through it gets a
// fresh id, so an error can still be matched with its log line.
func RequestID(r *http.Request) string {
	if id := info(r).id; id != "" {
		return id
	}
	return newRequestID()
}
