package payer

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/openrcm/openrcm/clearinghouse"
)

// MailboxLayout is the folder contract between OpenRCM and the sandbox in
// one clearinghouse directory, seen from OpenRCM's side: OpenRCM drops
// batches in outbound and polls inbound, archiving what it read into
// archive. The sandbox reads outbound, writes its answers into inbound and
// moves each file it answered into payer-done, so neither side reads a file
// twice.
func MailboxLayout(dir string) clearinghouse.Layout {
	return clearinghouse.Layout{
		Outbound: filepath.Join(dir, "outbound"),
		Inbound:  filepath.Join(dir, "inbound"),
		Archive:  filepath.Join(dir, "archive"),
	}
}

// OpenMailbox returns the sandbox's side of a clearinghouse directory: the
// same Dir transport OpenRCM uses, with the folders turned around (its
// Send writes to OpenRCM's inbound, its List, Fetch and Ack read OpenRCM's
// outbound and archive into payer-done). Writes keep the transport's
// promises: complete files only, never an overwrite.
func OpenMailbox(dir string) (*clearinghouse.Dir, error) {
	l := MailboxLayout(dir)
	return clearinghouse.OpenDir(clearinghouse.Layout{
		Outbound: l.Inbound,
		Inbound:  l.Outbound,
		Archive:  filepath.Join(dir, "payer-done"),
	})
}

// Server runs the sandbox against a mailbox: each poll answers every new
// file and then runs one payment cycle.
type Server struct {
	Engine    *Engine
	Mailbox   clearinghouse.Transport
	StatePath string // where the state is saved after every step; "" keeps it in memory
	Log       io.Writer
}

// Poll answers the files waiting in OpenRCM's outbound folder, in name
// order, then runs a payment cycle. For each file the answers are sent,
// then the state is saved, then the file is acknowledged: after a crash at
// any point a rerun sends identical bytes again (a no-op for the
// transport) or finds the file already answered in the state.
func (s *Server) Poll(ctx context.Context) (int, error) {
	names, err := s.Mailbox.List(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, name := range names {
		if s.Engine.State.Files[name] {
			if err := s.Mailbox.Ack(ctx, name); err != nil {
				return n, err
			}
			continue
		}
		data, err := s.Mailbox.Fetch(ctx, name)
		if err != nil {
			return n, err
		}
		files, err := s.Engine.Process(name, data)
		if err != nil {
			// A file the sandbox cannot answer (not X12, a 999, ...) is
			// set aside into payer-done, not retried on every poll.
			s.logf("%s: not answered: %v", name, err)
			s.Engine.State.Files[name] = true
		}
		if err := s.send(ctx, files); err != nil {
			return n, err
		}
		if err := s.save(); err != nil {
			return n, err
		}
		if err := s.Mailbox.Ack(ctx, name); err != nil {
			return n, err
		}
		n++
	}
	files, err := s.Engine.Cycle()
	if err != nil {
		return n, err
	}
	if err := s.send(ctx, files); err != nil {
		return n, err
	}
	return n, s.save()
}

func (s *Server) send(ctx context.Context, files []File) error {
	for _, f := range files {
		if err := s.Mailbox.Send(ctx, f.Name, f.Data); err != nil {
			return fmt.Errorf("send %s: %w", f.Name, err)
		}
		s.logf("sent %s (%d bytes)", f.Name, len(f.Data))
	}
	return nil
}

func (s *Server) save() error {
	if s.StatePath == "" {
		return nil
	}
	return s.Engine.State.Save(s.StatePath)
}

func (s *Server) logf(format string, args ...any) {
	if s.Log != nil {
		fmt.Fprintf(s.Log, format+"\n", args...)
	}
}

// Serve polls every interval until ctx is cancelled, which ends it
// without error.
func (s *Server) Serve(ctx context.Context, interval time.Duration) error {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.Poll(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
