package sqldb_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/openrcm/openrcm/sqldb"
	"github.com/openrcm/openrcm/sqldb/sqldbtest"
)

// otherCA writes the certificate of a CA that signed nothing the test
// database serves.
func otherCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "not the database's CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPostgresTLSParameters: the PostgreSQL URL reaches pgx as written,
// so sslmode=verify-full and sslrootcert do what libpq documents, and a
// failure to open says so without the URL's password.
func TestPostgresTLSParameters(t *testing.T) {
	t.Run("sslrootcert is read", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "no-ca.pem")
		_, err := sqldb.Open(context.Background(), "postgres://rcm:hunter2secret@db.invalid:5432/rcm?sslmode=verify-full&sslrootcert="+url.QueryEscape(missing), sqldb.WithKeyring(sqldbtest.Keyring()))
		if err == nil || !strings.Contains(err.Error(), missing) {
			t.Fatalf("err = %v, want one about the CA file %s", err, missing)
		}
		if strings.Contains(err.Error(), "hunter2secret") {
			t.Errorf("the error shows the password: %v", err)
		}
	})
	t.Run("unknown sslmode is refused", func(t *testing.T) {
		_, err := sqldb.Open(context.Background(), "postgres://rcm@db.invalid:5432/rcm?sslmode=verify-everything", sqldb.WithKeyring(sqldbtest.Keyring()))
		if err == nil || !strings.Contains(err.Error(), "sslmode") {
			t.Fatalf("err = %v, want one about sslmode", err)
		}
	})
	t.Run("verify-full refuses a server its CA did not sign", func(t *testing.T) {
		dsn := os.Getenv("RCM_TEST_POSTGRES")
		if dsn == "" {
			t.Skip("RCM_TEST_POSTGRES is not set")
		}
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("sslmode", "verify-full")
		q.Set("sslrootcert", otherCA(t))
		q.Set("connect_timeout", "10")
		u.RawQuery = q.Encode()
		db, err := sqldb.Open(context.Background(), u.String(), sqldb.WithKeyring(sqldbtest.Keyring()))
		if err == nil {
			db.Close()
			t.Fatal("connected with sslmode=verify-full to a server whose certificate the given CA did not sign")
		}
		// A server with TLS fails verification; one without refuses TLS.
		// Either way no query went over an unverified connection.
		if msg := strings.ToLower(err.Error()); !strings.Contains(msg, "certificate") && !strings.Contains(msg, "tls") {
			t.Errorf("err = %v, want a TLS failure", err)
		}
	})
}
