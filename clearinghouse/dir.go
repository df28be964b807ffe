package clearinghouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/openrcm/openrcm"
)

// Dir is a Transport over local folders: for tests, for a practice that runs
// its own clearinghouse connector, and for the payer sandbox, which watches
// the same folders. The three folders must be on one file system, because
// the no-overwrite moves are hard links.
type Dir struct {
	layout Layout
	// MaxFetchSize bounds Fetch; zero means DefaultMaxFetchSize.
	MaxFetchSize int64
}

// OpenDir returns a Dir transport over the folders of l, creating any that
// are missing.
func OpenDir(l Layout) (*Dir, error) {
	if err := l.validate(); err != nil {
		return nil, err
	}
	if l.Quarantine == "" {
		l.Quarantine = filepath.Join(filepath.Dir(filepath.Clean(l.Archive)), "quarantine")
	}
	for _, p := range []string{l.Outbound, l.Inbound, l.Archive} {
		if err := os.MkdirAll(p, 0o750); err != nil {
			return nil, fmt.Errorf("open clearinghouse folder: %w", err)
		}
	}
	return &Dir{layout: l}, nil
}

// Send implements Transport. The file is written and synced under a hidden
// temporary name, then hard-linked to its final name: a link, unlike a
// rename, fails when the name exists, so two senders racing on one name
// cannot overwrite each other.
func (d *Dir) Send(ctx context.Context, name string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := CheckName(name); err != nil {
		return err
	}
	final := filepath.Join(d.layout.Outbound, name)
	if err := d.compare(final, name, data); !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	tmp := filepath.Join(d.layout.Outbound, tempName(name))
	if err := writeSynced(tmp, data); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("send %s: %w", name, err)
	}
	defer os.Remove(tmp)
	err := os.Link(tmp, final)
	if errors.Is(err, fs.ErrExist) {
		return d.compare(final, name, data)
	}
	if err != nil {
		return fmt.Errorf("send %s: %w", name, err)
	}
	return syncDir(d.layout.Outbound)
}

// compare checks an existing outbound file against data; it returns an
// error wrapping fs.ErrNotExist when there is no such file.
func (d *Dir) compare(path, name string, data []byte) error {
	f, err := os.Open(path)
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

// List implements Transport.
func (d *Dir) List(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(d.layout.Inbound)
	if err != nil {
		return nil, fmt.Errorf("list inbound: %w", err)
	}
	var names []string
	for _, e := range entries {
		if len(e.Name()) > 0 && e.Name()[0] == '.' || !e.Type().IsRegular() {
			continue
		}
		if err := CheckName(e.Name()); err != nil {
			return nil, fmt.Errorf("list inbound: %w", err)
		}
		names = append(names, e.Name())
	}
	return names, nil
}

// Fetch implements Transport.
func (d *Dir) Fetch(ctx context.Context, name string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := CheckName(name); err != nil {
		return nil, err
	}
	f, err := os.Open(filepath.Join(d.layout.Inbound, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, notFound("inbound", name)
	}
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", name, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, notFound("inbound", name)
	}
	return readBounded(f, name, fi.Size(), limitOr(d.MaxFetchSize))
}

// Ack implements Transport. Like Send it links, then removes: a file with the
// same name already in the archive is never overwritten.
func (d *Dir) Ack(ctx context.Context, name string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := CheckName(name); err != nil {
		return err
	}
	src := filepath.Join(d.layout.Inbound, name)
	dst := filepath.Join(d.layout.Archive, name)
	err := os.Link(src, dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, serr := os.Stat(dst); serr == nil {
			return nil // archived by an earlier Ack
		}
		return notFound("inbound", name)
	case errors.Is(err, fs.ErrExist):
		a, aerr := os.ReadFile(src)
		b, berr := os.ReadFile(dst)
		if aerr != nil || berr != nil {
			return fmt.Errorf("ack %s: %w", name, errors.Join(aerr, berr))
		}
		if string(a) != string(b) {
			return &rcm.Error{Code: rcm.ECONFLICT, Field: "name", Message: fmt.Sprintf("The archive already holds a different file named %q; move one of them aside.", name)}
		}
	case err != nil:
		return fmt.Errorf("ack %s: %w", name, err)
	}
	if err := os.Remove(src); err != nil {
		return fmt.Errorf("ack %s: %w", name, err)
	}
	return syncDir(d.layout.Inbound)
}

// Quarantine implements Transport. Like Ack it links, then removes, so a
// file already in the quarantine is never overwritten.
func (d *Dir) Quarantine(ctx context.Context, name string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := CheckName(name); err != nil {
		return "", err
	}
	src := filepath.Join(d.layout.Inbound, name)
	if _, err := os.Stat(src); errors.Is(err, fs.ErrNotExist) {
		return "", notFound("inbound", name)
	}
	// Made on first use: most mailboxes never need one.
	if err := os.MkdirAll(d.layout.Quarantine, 0o750); err != nil {
		return "", fmt.Errorf("quarantine %s: %w", name, err)
	}
	for i := 0; i < maxQuarantineCopies; i++ {
		as := quarantineName(name, i)
		err := os.Link(src, filepath.Join(d.layout.Quarantine, as))
		switch {
		case errors.Is(err, fs.ErrExist):
			continue
		case errors.Is(err, fs.ErrNotExist):
			return "", notFound("inbound", name)
		case err != nil:
			return "", fmt.Errorf("quarantine %s: %w", name, err)
		}
		if err := os.Remove(src); err != nil {
			return "", fmt.Errorf("quarantine %s: %w", name, err)
		}
		return as, syncDir(d.layout.Inbound)
	}
	return "", rcm.Errorf(rcm.ECONFLICT, "The quarantine folder already holds %d files named %q; clear it.", maxQuarantineCopies, name)
}

// Close implements Transport; a Dir holds nothing open.
func (d *Dir) Close() error { return nil }

func writeSynced(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a link or removal durable before Send or Ack reports it.
func syncDir(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}

func limitOr(n int64) int64 {
	if n <= 0 {
		return DefaultMaxFetchSize
	}
	return n
}

// readBounded reads a response file of a reported size, refusing to read
// more than limit bytes whatever the size claimed.
func readBounded(r io.Reader, name string, size, limit int64) ([]byte, error) {
	if size > limit {
		return nil, tooLarge(name, size, limit)
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", name, err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(name, int64(len(data)), limit)
	}
	return data, nil
}
