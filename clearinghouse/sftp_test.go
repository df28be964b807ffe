package clearinghouse

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/openrcm/openrcm"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

const sshdPath = "/usr/sbin/sshd"

// sshServer is a real OpenSSH server on 127.0.0.1 with its own host key and
// one authorized user key, all in a temporary folder.
type sshServer struct {
	addr       string
	user       string
	hostKey    ssh.PublicKey
	userKey    []byte // PEM private key of the authorized user
	knownHosts string // known_hosts file holding hostKey for addr
}

// newKey returns an Ed25519 key as an OpenSSH PEM private key and its public
// key.
func newKey(t *testing.T) ([]byte, ssh.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(block), sshPub
}

func writeKnownHosts(t *testing.T, addr string, key ssh.PublicKey) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "known_hosts")
	line := ""
	if key != nil {
		line = knownhosts.Line([]string{knownhosts.Normalize(addr)}, key) + "\n"
	}
	if err := os.WriteFile(p, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// startSSHD runs /usr/sbin/sshd in the foreground for the test and stops it
// on cleanup. Without sshd the test is skipped, except in CI, where the
// SFTP transport must be tested.
func startSSHD(t *testing.T) *sshServer {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing (Debian openssh-server): %v", sshdPath, err)
		}
		t.Skipf("%s is missing; install Debian openssh-server to test the SFTP transport", sshdPath)
	}
	// sshd refuses to start without its privilege separation folder.
	if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
		t.Fatalf("create /run/sshd: %v", err)
	}
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	hostPEM, hostPub := newKey(t)
	userPEM, userPub := newKey(t)
	hostKeyPath := filepath.Join(dir, "ssh_host_ed25519_key")
	authorized := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(hostKeyPath, hostPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(authorized, ssh.MarshalAuthorizedKey(userPub), 0o600); err != nil {
		t.Fatal(err)
	}

	// A free port: listen on :0, note the port, close. Another process could
	// take it in between; the wait below then fails loudly.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	addr := fmt.Sprintf("127.0.0.1:%d", port)

	config := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
AuthorizedKeysFile %s
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers %s
PidFile %s
Subsystem sftp internal-sftp
StrictModes no
UsePAM no
LogLevel VERBOSE
`, port, hostKeyPath, authorized, u.Username, filepath.Join(dir, "sshd.pid"))
	configPath := filepath.Join(dir, "sshd_config")
	if err := os.WriteFile(configPath, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}

	var logs syncBuffer
	cmd := exec.Command(sshdPath, "-D", "-e", "-f", configPath)
	cmd.Stdout = &logs
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start sshd: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("sshd log:\n%s", logs.String())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			break
		}
		select {
		case err := <-exited:
			t.Fatalf("sshd exited: %v\n%s", err, logs.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("sshd did not listen on %s within 10s:\n%s", addr, logs.String())
		}
	}
	return &sshServer{
		addr: addr, user: u.Username, hostKey: hostPub, userKey: userPEM,
		knownHosts: writeKnownHosts(t, addr, hostPub),
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func (s *sshServer) config(l Layout) SFTPConfig {
	return SFTPConfig{
		Addr: s.addr, User: s.user, PrivateKey: s.userKey, KnownHostsFile: s.knownHosts,
		Layout: l, DialTimeout: 10 * time.Second, OpTimeout: 30 * time.Second,
	}
}

func (s *sshServer) open(t *testing.T, maxFetch int64) fixture {
	t.Helper()
	l := newLayout(t)
	cfg := s.config(l)
	cfg.MaxFetchSize = maxFetch
	tr, err := DialSFTP(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tr.Close() })
	return fixture{tr: tr, local: l}
}

func TestSFTP(t *testing.T) {
	srv := startSSHD(t)
	runSuite(t, srv.open)

	t.Run("reconnects after the connection drops", func(t *testing.T) {
		f := srv.open(t, 0)
		s := f.tr.(*SFTP)
		s.mu.Lock()
		c := s.cur
		s.mu.Unlock()
		c.ssh.Close()
		select {
		case <-c.dead:
		case <-time.After(5 * time.Second):
			t.Fatal("the closed connection was not noticed")
		}
		if err := f.tr.Send(context.Background(), "after-drop.x12", []byte("x")); err != nil {
			t.Fatalf("Send after a dropped connection: %v", err)
		}
		if got := files(t, f.local.Outbound); got["after-drop.x12"] != "x" {
			t.Errorf("outbound = %v", got)
		}
	})

	t.Run("cancelling abandons an operation the server is stuck in", func(t *testing.T) {
		f := srv.open(t, 0)
		// Opening a FIFO with no writer blocks the server's open(2): a
		// request that never answers.
		fifo := filepath.Join(f.local.Inbound, "stuck.999")
		if err := syscall.Mkfifo(fifo, 0o640); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			// Release the blocked server process.
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		})
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		_, err := f.tr.Fetch(ctx, "stuck.999")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Fetch of a stuck file = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("Fetch returned %v after the cancel", d)
		}
		// The transport reconnects for the next call.
		if err := f.tr.Send(context.Background(), "next.x12", []byte("x")); err != nil {
			t.Fatalf("Send after a cancelled Fetch: %v", err)
		}
	})

	t.Run("operation timeout", func(t *testing.T) {
		l := newLayout(t)
		cfg := srv.config(l)
		cfg.OpTimeout = 200 * time.Millisecond
		tr, err := DialSFTP(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer tr.Close()
		fifo := filepath.Join(l.Inbound, "stuck.999")
		if err := syscall.Mkfifo(fifo, 0o640); err != nil {
			t.Fatal(err)
		}
		defer func() {
			if w, err := os.OpenFile(fifo, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				w.Close()
			}
		}()
		if _, err := tr.Fetch(context.Background(), "stuck.999"); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Fetch of a stuck file = %v, want context.DeadlineExceeded", err)
		}
	})
}

func TestDialSFTPRefuses(t *testing.T) {
	srv := startSSHD(t)
	_, otherPub := newKey(t)
	otherUserKey, _ := newKey(t)
	l := newLayout(t)
	tests := []struct {
		name  string
		edit  func(c *SFTPConfig)
		check func(err error) bool
	}{
		{
			name: "a server whose host key differs from known_hosts",
			edit: func(c *SFTPConfig) { c.KnownHostsFile = writeKnownHosts(t, srv.addr, otherPub) },
			check: func(err error) bool {
				var ke *knownhosts.KeyError
				return errors.As(err, &ke) && len(ke.Want) == 1
			},
		},
		{
			name: "a server missing from known_hosts",
			edit: func(c *SFTPConfig) { c.KnownHostsFile = writeKnownHosts(t, srv.addr, nil) },
			check: func(err error) bool {
				var ke *knownhosts.KeyError
				return errors.As(err, &ke) && len(ke.Want) == 0
			},
		},
		{
			name:  "a user key the server does not authorize",
			edit:  func(c *SFTPConfig) { c.PrivateKey = otherUserKey },
			check: func(err error) bool { return err != nil && strings.Contains(err.Error(), "unable to authenticate") },
		},
		{
			name:  "no known_hosts file",
			edit:  func(c *SFTPConfig) { c.KnownHostsFile = "" },
			check: func(err error) bool { return errCode(err) == rcm.EINVALID },
		},
		{
			name:  "no credentials",
			edit:  func(c *SFTPConfig) { c.PrivateKey = nil },
			check: func(err error) bool { return errCode(err) == rcm.EINVALID },
		},
		{
			name:  "a layout without an archive",
			edit:  func(c *SFTPConfig) { c.Layout.Archive = "" },
			check: func(err error) bool { return errCode(err) == rcm.EINVALID },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := srv.config(l)
			tt.edit(&cfg)
			tr, err := DialSFTP(context.Background(), cfg)
			if err == nil {
				tr.Close()
			}
			if !tt.check(err) {
				t.Errorf("DialSFTP = %v", err)
			}
		})
	}
}

// silentServer accepts TCP connections and never speaks SSH, the way a
// firewall or a hung server looks from the client.
func silentServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

func TestDialSFTPGivesUp(t *testing.T) {
	userKey, _ := newKey(t)
	_, hostPub := newKey(t)
	tests := []struct {
		name    string
		timeout time.Duration
		cancel  time.Duration
		want    error
	}{
		{"on cancel", time.Minute, 100 * time.Millisecond, context.Canceled},
		{"on dial timeout", 200 * time.Millisecond, 0, os.ErrDeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := silentServer(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel > 0 {
				time.AfterFunc(tt.cancel, cancel)
			}
			start := time.Now()
			_, err := DialSFTP(ctx, SFTPConfig{
				Addr: addr, User: "billing", PrivateKey: userKey,
				KnownHostsFile: writeKnownHosts(t, addr, hostPub), Layout: newLayout(t),
				DialTimeout: tt.timeout,
			})
			if !errors.Is(err, tt.want) {
				t.Errorf("DialSFTP = %v, want %v", err, tt.want)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("DialSFTP took %v", d)
			}
		})
	}
}
