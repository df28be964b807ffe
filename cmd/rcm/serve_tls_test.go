package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// writeTestCert writes a self-signed certificate for 127.0.0.1 and its
// key as PEM files, and returns their paths and a pool that trusts it.
func writeTestCert(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "rcm test"},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		// Certificate validity is checked against the wall clock by the
		// TLS client; a day either side leaves no room for flakes.
		NotBefore:   time.Now().Add(-24 * time.Hour),
		NotAfter:    time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestServeTLS runs rcm serve with --tls-cert and --tls-key: it answers
// HTTPS with HSTS, refuses TLS 1.1 and plain HTTP, and shuts down.
func TestServeTLS(t *testing.T) {
	certFile, keyFile, pool := writeTestCert(t)
	env, out := testEnv(nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, env, []string{"serve", "--db", filepath.Join(t.TempDir(), "tls.db"), "--addr", "127.0.0.1:0",
			"--tls-cert", certFile, "--tls-key", keyFile})
	}()
	addr := regexp.MustCompile(`msg=serving addr=(127\.0\.0\.1:\d+) .*https=true secure_cookies=false`)
	var m []string
	for deadline := time.Now().Add(10 * time.Second); m == nil; m = addr.FindStringSubmatch(out.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("rcm serve did not log its HTTPS address:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + m[1] + "/healthz")
	if err != nil {
		t.Fatalf("GET https://%s/healthz: %v\n%s", m[1], err, out.String())
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("healthz over HTTPS: %d %s, TLS %+v", resp.StatusCode, body, resp.TLS)
	}
	if got, want := resp.Header.Get("Strict-Transport-Security"), "max-age=31536000; includeSubDomains"; got != want {
		t.Errorf("Strict-Transport-Security = %q, want %q", got, want)
	}

	old := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: tls.VersionTLS11}}}
	if resp, err := old.Get("https://" + m[1] + "/healthz"); err == nil {
		resp.Body.Close()
		t.Error("a TLS 1.1 client was served")
	}
	plain := &http.Client{Timeout: 10 * time.Second}
	if resp, err := plain.Get("http://" + m[1] + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP was served on the HTTPS port")
		}
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("rcm serve = %d, want 0\n%s", code, out.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("rcm serve did not return after its context was cancelled")
	}
}

func TestServeTLSBadArguments(t *testing.T) {
	certFile, keyFile, _ := writeTestCert(t)
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "x.db")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"certificate without key", []string{"--tls-cert", certFile}, exitUsage, "--tls-cert and --tls-key go together"},
		{"key without certificate", []string{"--tls-key", keyFile}, exitUsage, "--tls-cert and --tls-key go together"},
		{"certificate that is not one", []string{"--tls-cert", garbage, "--tls-key", keyFile}, 1, "load TLS certificate"},
		{"missing key file", []string{"--tls-cert", certFile, "--tls-key", filepath.Join(dir, "none.pem")}, 1, "load TLS certificate"},
		{"key of another certificate", []string{"--tls-cert", certFile, "--tls-key", garbage}, 1, "load TLS certificate"},
		{"trusted proxy that is a name", []string{"--trusted-proxy", "proxy.example"}, exitUsage, `trusted proxy "proxy.example" is not an address or CIDR prefix`},
		{"trusted proxy with a bad prefix", []string{"--trusted-proxy", "10.0.0.0/40"}, exitUsage, "--trusted-proxy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, out := testEnv(nil)
			args := append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, tt.args...)
			if code := Run(context.Background(), env, args); code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", code, tt.code, out.String())
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, out.String())
			}
		})
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a refused serve created its database")
	}
}

// TestServeSecureCookiesDefault: cookies are Secure by default unless the
// server listens on loopback, and the flag overrides either way.
func TestServeSecureCookiesDefault(t *testing.T) {
	for _, tt := range []struct {
		addr string
		args []string
		want string
	}{
		{"127.0.0.1:0", nil, "secure_cookies=false"},
		{"127.0.0.1:0", []string{"--secure-cookies"}, "secure_cookies=true"},
		{"0.0.0.0:0", nil, "secure_cookies=true"},
		{"0.0.0.0:0", []string{"--secure-cookies=false"}, "secure_cookies=false"},
	} {
		t.Run(tt.addr+" "+strings.Join(tt.args, " "), func(t *testing.T) {
			env, out := testEnv(nil)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := make(chan int, 1)
			args := append([]string{"serve", "--db", filepath.Join(t.TempDir(), "c.db"), "--addr", tt.addr}, tt.args...)
			go func() { done <- Run(ctx, env, args) }()
			for deadline := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "msg=serving"); {
				if time.Now().After(deadline) {
					t.Fatalf("rcm serve did not start:\n%s", out.String())
				}
				time.Sleep(20 * time.Millisecond)
			}
			cancel()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				t.Fatal("rcm serve did not return")
			}
			if !strings.Contains(out.String(), tt.want) {
				t.Errorf("log lacks %q:\n%s", tt.want, out.String())
			}
		})
	}
}
