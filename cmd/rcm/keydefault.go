package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/openrcm/openrcm/seal"
)

// A PostgreSQL database opened with no key given (no RCM_KEY_FILE, no
// RCM_KEY) on this machine's own server gets a key file under the
// operator's configuration folder, named after the server and the
// database, made on first use with a one-line notice. So `rcm demo --db
// postgres://127.0.0.1/...`, then `rcm serve` and `rcm worker` from any
// working folder, find the same key with no setup, the way a SQLite file
// finds DB.key beside it. The key is never kept in the database: a copy of
// the database without the key file opens no sealed field.
//
// A server on another machine gets no default: several machines running
// against one database must share one key, and a key made on the first
// machine to start would leave the others unable to open what it sealed.
// There the operator gives RCM_KEY_FILE or RCM_KEY (docs/security.md).

// configDir is the operator's configuration folder for OpenRCM:
// $RCM_CONFIG_DIR, else $XDG_CONFIG_HOME/openrcm, else ~/.config/openrcm.
func configDir(env *Env) (string, error) {
	if d := env.Getenv("RCM_CONFIG_DIR"); d != "" {
		return d, nil
	}
	if d := env.Getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "openrcm"), nil
	}
	home := env.Getenv("HOME")
	if home == "" {
		return "", errors.New("no configuration folder: HOME is not set (set RCM_CONFIG_DIR, or give a key with RCM_KEY_FILE)")
	}
	return filepath.Join(home, ".config", "openrcm"), nil
}

// localPostgresKeyFile returns the default key file of a PostgreSQL DSN,
// or "" when the DSN is not PostgreSQL on this machine (loopback or a
// Unix socket).
func localPostgresKeyFile(env *Env, dsn string) (string, error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return "", nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("database URL: %w", err)
	}
	host, port := u.Hostname(), u.Port()
	if h := u.Query().Get("host"); host == "" && h != "" {
		host = h
	}
	if !localHost(host) {
		return "", nil
	}
	if port == "" {
		port = "5432"
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" {
		name = u.User.Username()
	}
	dir, err := configDir(env)
	if err != nil {
		return "", err
	}
	file := safeName(host) + "_" + port + "_" + safeName(name) + ".key"
	return filepath.Join(dir, "keys", file), nil
}

// localHost reports whether a PostgreSQL host is this machine.
func localHost(h string) bool {
	if h == "" || h == "localhost" || strings.HasPrefix(h, "/") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// safeName keeps letters, digits, dash and underscore, so a host or
// database name cannot climb out of the keys folder.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
	if s == "" {
		return "_"
	}
	return s
}

// ensureKeyFile returns the keyring in path, making the file with one new
// key first when there is none. Two processes starting together must end
// with one key, not one each: the key is written to a temporary file and
// linked into place, which fails for the second, which then reads the
// first one's file. created reports whether this call made it.
func ensureKeyFile(path string) (k *seal.Keyring, created bool, err error) {
	if _, err := os.Stat(path); err == nil {
		k, err := seal.LoadFile(path)
		return k, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("key folder: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".new-key-*")
	if err != nil {
		return nil, false, fmt.Errorf("key file: %w", err)
	}
	defer os.Remove(tmp.Name())
	key, err := seal.GenerateKey(nil)
	if err == nil {
		_, err = fmt.Fprintln(tmp, key.Line())
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, false, fmt.Errorf("key file: %w", err)
	}
	// CreateTemp makes the file 0600.
	switch err := os.Link(tmp.Name(), path); {
	case err == nil:
		created = true
	case errors.Is(err, fs.ErrExist):
	default:
		return nil, false, fmt.Errorf("key file: %w", err)
	}
	k, err = seal.LoadFile(path)
	return k, created, err
}
