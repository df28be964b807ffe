package clearinghouse

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path"
	"sort"
	"sync"
	"time"

	"github.com/openrcm/openrcm"
	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// Defaults for SFTPConfig's timeouts.
const (
	DefaultDialTimeout = 30 * time.Second
	DefaultOpTimeout   = 5 * time.Minute
)

// SFTPConfig is how to reach a clearinghouse's SFTP mailbox.
type SFTPConfig struct {
	// Addr is the server's host:port.
	Addr string
	User string
	// PrivateKey is an OpenSSH or PEM private key for public-key login;
	// KeyPassphrase decrypts it when it is encrypted.
	PrivateKey    []byte
	KeyPassphrase []byte
	// Password is used when the clearinghouse issues passwords; with a
	// private key too, the key is tried first.
	Password string
	// KnownHostsFile is an OpenSSH known_hosts file holding the server's
	// host key. It is required: a connection to a server whose key is not
	// in it is refused, because claims carry PHI and a forged server would
	// receive them.
	KnownHostsFile string
	Layout         Layout
	// DialTimeout bounds connecting and the SSH handshake; OpTimeout bounds
	// each Send, List, Fetch or Ack. Zero means the defaults.
	DialTimeout time.Duration
	OpTimeout   time.Duration
	// MaxFetchSize bounds Fetch; zero means DefaultMaxFetchSize.
	MaxFetchSize int64
}

// SFTP is a Transport to a clearinghouse's SFTP server. It connects on
// DialSFTP and reconnects on the next call after a connection is lost or an
// operation is cancelled (cancelling closes the connection, the only way to
// abandon an SFTP request in flight).
type SFTP struct {
	cfg    SFTPConfig
	config *ssh.ClientConfig

	mu  sync.Mutex // serializes operations and guards cur
	cur *sftpConn
}

type sftpConn struct {
	ssh  *ssh.Client
	sftp *sftp.Client
	dead chan struct{} // closed when the SSH connection ends
}

func (c *sftpConn) close() {
	c.sftp.Close()
	c.ssh.Close()
}

// DialSFTP checks cfg and connects, so that a wrong address, key or host
// key shows up at start-up rather than at the first batch.
func DialSFTP(ctx context.Context, cfg SFTPConfig) (*SFTP, error) {
	if err := cfg.Layout.validate(); err != nil {
		return nil, err
	}
	if cfg.Addr == "" || cfg.User == "" {
		return nil, rcm.Errorf(rcm.EINVALID, "The SFTP transport needs a server address (host:port) and a user name.")
	}
	if cfg.KnownHostsFile == "" {
		return nil, rcm.Errorf(rcm.EINVALID, "The SFTP transport needs a known_hosts file with the server's host key; OpenRCM never connects to an unverified server.")
	}
	hostKeys, err := knownhosts.New(cfg.KnownHostsFile)
	if err != nil {
		return nil, fmt.Errorf("sftp known hosts: %w", err)
	}
	var auth []ssh.AuthMethod
	if len(cfg.PrivateKey) > 0 {
		var signer ssh.Signer
		if len(cfg.KeyPassphrase) > 0 {
			signer, err = ssh.ParsePrivateKeyWithPassphrase(cfg.PrivateKey, cfg.KeyPassphrase)
		} else {
			signer, err = ssh.ParsePrivateKey(cfg.PrivateKey)
		}
		if err != nil {
			return nil, fmt.Errorf("sftp private key: %w", err)
		}
		auth = append(auth, ssh.PublicKeys(signer))
	}
	if cfg.Password != "" {
		auth = append(auth, ssh.Password(cfg.Password))
	}
	if len(auth) == 0 {
		return nil, rcm.Errorf(rcm.EINVALID, "The SFTP transport needs a private key or a password.")
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = DefaultDialTimeout
	}
	if cfg.OpTimeout <= 0 {
		cfg.OpTimeout = DefaultOpTimeout
	}
	s := &SFTP{cfg: cfg, config: &ssh.ClientConfig{
		User:              cfg.User,
		Auth:              auth,
		HostKeyCallback:   hostKeys,
		HostKeyAlgorithms: knownAlgorithms(hostKeys, cfg.Addr),
		Timeout:           cfg.DialTimeout,
	}}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur, err = s.dial(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// knownAlgorithms lists the host key algorithms of the keys known_hosts has
// for addr, so that the server is asked for a key we can verify rather than
// its first preference (a server with RSA and Ed25519 keys, known here by
// its Ed25519 key, would otherwise fail verification).
func knownAlgorithms(cb ssh.HostKeyCallback, addr string) []string {
	_, probe, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil
	}
	signer, err := ssh.NewSignerFromKey(probe)
	if err != nil {
		return nil
	}
	remote, _ := net.ResolveTCPAddr("tcp", addr)
	if remote == nil {
		remote = &net.TCPAddr{}
	}
	var ke *knownhosts.KeyError
	if !errors.As(cb(addr, remote, signer.PublicKey()), &ke) {
		return nil
	}
	var algos []string
	for _, k := range ke.Want {
		switch t := k.Key.Type(); t {
		case ssh.KeyAlgoRSA:
			algos = append(algos, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
		default:
			algos = append(algos, t)
		}
	}
	return algos
}

// dial connects and starts the SFTP subsystem within DialTimeout, giving up
// at once when ctx is cancelled.
func (s *SFTP) dial(ctx context.Context) (*sftpConn, error) {
	fail := func(err error) (*sftpConn, error) {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("sftp connect %s: %w", s.cfg.Addr, err)
	}
	d := net.Dialer{Timeout: s.cfg.DialTimeout}
	nc, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return fail(err)
	}
	stop := context.AfterFunc(ctx, func() { nc.Close() })
	defer stop()
	if err := nc.SetDeadline(time.Now().Add(s.cfg.DialTimeout)); err != nil {
		nc.Close()
		return fail(err)
	}
	cc, chans, reqs, err := ssh.NewClientConn(nc, s.cfg.Addr, s.config)
	if err != nil {
		nc.Close()
		return fail(err)
	}
	client := ssh.NewClient(cc, chans, reqs)
	sc, err := sftp.NewClient(client)
	if err != nil {
		client.Close()
		return fail(err)
	}
	if err := nc.SetDeadline(time.Time{}); err != nil {
		sc.Close()
		client.Close()
		return fail(err)
	}
	c := &sftpConn{ssh: client, sftp: sc, dead: make(chan struct{})}
	go func() {
		client.Wait()
		close(c.dead)
	}()
	return c, nil
}

// do runs one operation on a live connection, bounded by OpTimeout and
// abandoned when ctx ends.
func (s *SFTP) do(ctx context.Context, fn func(c *sftp.Client) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.OpTimeout)
	defer cancel()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur != nil {
		select {
		case <-s.cur.dead:
			s.cur.close()
			s.cur = nil
		default:
		}
	}
	if s.cur == nil {
		c, err := s.dial(ctx)
		if err != nil {
			return err
		}
		s.cur = c
	}
	c := s.cur
	stop := context.AfterFunc(ctx, func() { c.ssh.Close() })
	err := fn(c.sftp)
	if !stop() {
		// The connection was closed under the operation.
		c.close()
		s.cur = nil
		return ctx.Err()
	}
	return err
}

// Send implements Transport. The file is written under a hidden temporary
// name and renamed; SFTP rename (SSH_FXP_RENAME, unlike the POSIX rename
// extension) fails when the target exists, so nothing is overwritten.
func (s *SFTP) Send(ctx context.Context, name string, data []byte) error {
	if err := CheckName(name); err != nil {
		return err
	}
	return s.do(ctx, func(c *sftp.Client) error {
		final := path.Join(s.cfg.Layout.Outbound, name)
		if err := compareRemote(c, final, name, data); !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		tmp := path.Join(s.cfg.Layout.Outbound, tempName(name))
		if err := writeRemote(c, tmp, data); err != nil {
			c.Remove(tmp)
			return fmt.Errorf("send %s: %w", name, err)
		}
		if err := c.Rename(tmp, final); err != nil {
			c.Remove(tmp)
			// Lost a race with another sender of the same name?
			if cerr := compareRemote(c, final, name, data); !errors.Is(cerr, fs.ErrNotExist) {
				return cerr
			}
			return fmt.Errorf("send %s: %w", name, err)
		}
		return nil
	})
}

func writeRemote(c *sftp.Client, p string, data []byte) error {
	f, err := c.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if _, ok := c.HasExtension("fsync@openssh.com"); ok {
		if err := f.Sync(); err != nil {
			f.Close()
			return err
		}
	}
	return f.Close()
}

// compareRemote checks an existing remote file against data; it returns an
// error wrapping fs.ErrNotExist when there is no such file.
func compareRemote(c *sftp.Client, p, name string, data []byte) error {
	f, err := c.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	existing, err := io.ReadAll(io.LimitReader(f, int64(len(data))+1))
	if err != nil {
		return fmt.Errorf("send %s: read existing file: %w", name, err)
	}
	return sameContent(name, existing, data)
}

// List implements Transport. Names come from the server, so each is checked
// before anything uses it as a path.
func (s *SFTP) List(ctx context.Context) ([]string, error) {
	var names []string
	err := s.do(ctx, func(c *sftp.Client) error {
		infos, err := c.ReadDirContext(ctx, s.cfg.Layout.Inbound)
		if err != nil {
			return fmt.Errorf("list inbound: %w", err)
		}
		for _, fi := range infos {
			n := fi.Name()
			if len(n) > 0 && n[0] == '.' || !fi.Mode().IsRegular() {
				continue
			}
			if err := CheckName(n); err != nil {
				return fmt.Errorf("list inbound: %w", err)
			}
			names = append(names, n)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// Fetch implements Transport.
func (s *SFTP) Fetch(ctx context.Context, name string) ([]byte, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	var data []byte
	err := s.do(ctx, func(c *sftp.Client) error {
		f, err := c.Open(path.Join(s.cfg.Layout.Inbound, name))
		if errors.Is(err, fs.ErrNotExist) {
			return notFound("inbound", name)
		}
		if err != nil {
			return fmt.Errorf("fetch %s: %w", name, err)
		}
		defer f.Close()
		fi, err := f.Stat()
		if err != nil {
			return fmt.Errorf("fetch %s: %w", name, err)
		}
		if !fi.Mode().IsRegular() {
			return notFound("inbound", name)
		}
		data, err = readBounded(f, name, fi.Size(), limitOr(s.cfg.MaxFetchSize))
		return err
	})
	return data, err
}

// Ack implements Transport with a non-overwriting SFTP rename into the
// archive folder.
func (s *SFTP) Ack(ctx context.Context, name string) error {
	if err := CheckName(name); err != nil {
		return err
	}
	return s.do(ctx, func(c *sftp.Client) error {
		src := path.Join(s.cfg.Layout.Inbound, name)
		dst := path.Join(s.cfg.Layout.Archive, name)
		err := c.Rename(src, dst)
		if err == nil {
			return nil
		}
		if _, serr := c.Stat(src); errors.Is(serr, fs.ErrNotExist) {
			if _, derr := c.Stat(dst); derr == nil {
				return nil // archived by an earlier Ack
			}
			return notFound("inbound", name)
		}
		if _, derr := c.Stat(dst); derr != nil {
			return fmt.Errorf("ack %s: %w", name, err)
		}
		limit := limitOr(s.cfg.MaxFetchSize)
		a, aerr := readRemote(c, src, name, limit)
		b, berr := readRemote(c, dst, name, limit)
		if aerr != nil || berr != nil {
			return fmt.Errorf("ack %s: %w", name, errors.Join(aerr, berr))
		}
		if string(a) != string(b) {
			return &rcm.Error{Code: rcm.ECONFLICT, Field: "name", Message: fmt.Sprintf("The archive already holds a different file named %q; move one of them aside.", name)}
		}
		if err := c.Remove(src); err != nil {
			return fmt.Errorf("ack %s: %w", name, err)
		}
		return nil
	})
}

// Quarantine implements Transport with SFTP renames, which never
// overwrite: a rename onto a taken name fails and the next number is
// tried.
func (s *SFTP) Quarantine(ctx context.Context, name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	dir := s.cfg.Layout.Quarantine
	if dir == "" {
		dir = path.Join(path.Dir(path.Clean(s.cfg.Layout.Archive)), "quarantine")
	}
	var as string
	err := s.do(ctx, func(c *sftp.Client) error {
		src := path.Join(s.cfg.Layout.Inbound, name)
		if _, err := c.Stat(src); errors.Is(err, fs.ErrNotExist) {
			return notFound("inbound", name)
		}
		if err := c.MkdirAll(dir); err != nil {
			return fmt.Errorf("quarantine %s: %w", name, err)
		}
		for i := 0; i < maxQuarantineCopies; i++ {
			try := quarantineName(name, i)
			if _, err := c.Stat(path.Join(dir, try)); err == nil {
				continue
			}
			if err := c.Rename(src, path.Join(dir, try)); err != nil {
				if _, serr := c.Stat(path.Join(dir, try)); serr == nil {
					continue // taken between the look and the rename
				}
				return fmt.Errorf("quarantine %s: %w", name, err)
			}
			as = try
			return nil
		}
		return rcm.Errorf(rcm.ECONFLICT, "The quarantine folder already holds %d files named %q; clear it.", maxQuarantineCopies, name)
	})
	return as, err
}

func readRemote(c *sftp.Client, p, name string, limit int64) ([]byte, error) {
	f, err := c.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	return readBounded(f, name, fi.Size(), limit)
}

// Close implements Transport.
func (s *SFTP) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return nil
	}
	err := s.cur.sftp.Close()
	s.cur.ssh.Close()
	s.cur = nil
	return err
}
