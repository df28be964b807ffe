package hl7

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"
)

// Listener serves MLLP: every accepted connection may carry any number of
// framed messages, each answered by one framed ACK before the next is read
// (HL7's original acknowledgment mode).
type Listener struct {
	Receiver *Receiver
	// Log receives one line per message: its control id, type and ACK
	// code, never its content (PHI). Nil discards.
	Log func(format string, args ...any)
	// IdleTimeout closes a connection that sends nothing for this long;
	// zero means five minutes.
	IdleTimeout time.Duration
	// Serialize applies messages in one transaction at a time across
	// connections, the messages waiting when one commits sharing the next
	// commit (group commit, see ReceiveBatch); each is still acknowledged
	// only once its commit is done. SQLite has one writer: queueing here
	// is cheaper than writers waiting out the database's busy timeout, and
	// one commit for many messages is what keeps up with many senders.
	Serialize bool

	queue chan job
}

// maxGroup bounds the messages that share one commit.
const maxGroup = 200

// job is a message waiting for the group commit, and where its answer goes.
type job struct {
	raw  []byte
	done chan Reply
}

// commit applies the queued messages, all those waiting when the previous
// commit finished (up to maxGroup) in one transaction, and answers each
// after the commit. Should the batch fail in storage, each of its messages
// is tried again on its own, so one message's storage error (which would
// otherwise be its AE alone) does not fail the others.
func (l *Listener) commit(ctx context.Context) {
	var jobs []job
	var raws [][]byte
	for j := range l.queue {
		jobs, raws = append(jobs[:0], j), append(raws[:0], j.raw)
	more:
		for len(jobs) < maxGroup {
			select {
			case j, ok := <-l.queue:
				if !ok {
					break more
				}
				jobs, raws = append(jobs, j), append(raws, j.raw)
			default:
				break more
			}
		}
		replies, err := l.Receiver.ReceiveBatch(ctx, raws)
		if err != nil && len(jobs) > 1 {
			l.logf("hl7: a group of %d messages not stored (%v); applying them one by one", len(jobs), err)
		}
		for i, j := range jobs {
			if err == nil {
				j.done <- replies[i]
				continue
			}
			var r Reply
			r.Ack, r.Result, r.Err = l.Receiver.Receive(ctx, j.raw)
			j.done <- r
		}
	}
}

// Serve accepts connections on ln until ctx is done, then closes ln and
// waits for open connections to finish their current message.
func (l *Listener) Serve(ctx context.Context, ln net.Listener) error {
	var wg sync.WaitGroup
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	if l.Serialize {
		l.queue = make(chan job)
		committed := make(chan struct{})
		go func() { defer close(committed); l.commit(ctx) }()
		// After the connections: they may be waiting for a commit.
		defer func() { close(l.queue); <-committed }()
	}
	var conns sync.Map
	defer func() {
		conns.Range(func(k, _ any) bool { k.(net.Conn).SetReadDeadline(time.Now()); return true })
		wg.Wait()
	}()
	for {
		c, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		conns.Store(c, true)
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer conns.Delete(c)
			defer c.Close()
			l.serveConn(ctx, c)
		}()
	}
}

func (l *Listener) logf(format string, args ...any) {
	if l.Log != nil {
		l.Log(format, args...)
	}
}

func (l *Listener) serveConn(ctx context.Context, c net.Conn) {
	idle := l.IdleTimeout
	if idle == 0 {
		idle = 5 * time.Minute
	}
	r := bufio.NewReaderSize(c, 64<<10)
	for ctx.Err() == nil {
		c.SetReadDeadline(time.Now().Add(idle))
		raw, err := ReadFrame(r)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				var ne net.Error
				if !errors.As(err, &ne) || !ne.Timeout() {
					l.logf("hl7: connection from %s dropped: %v", c.RemoteAddr(), err)
				}
			}
			return
		}
		var ack *Message
		var res Result
		if l.Serialize {
			done := make(chan Reply, 1)
			l.queue <- job{raw: raw, done: done}
			r := <-done
			ack, res, err = r.Ack, r.Result, r.Err
		} else {
			ack, res, err = l.Receiver.Receive(ctx, raw)
		}
		if err != nil {
			// Storage failed: nothing was applied; AE tells the sender to
			// keep the message and resend it.
			l.logf("hl7: message %q not stored: %v", res.ControlID, err)
			ack = AckMessage(nil, Ack{Code: AE, Text: "Temporary failure storing the message; resend it.", ControlID: res.ControlID}, l.Receiver.Clock.Now(), ackID(res.ControlID))
		} else {
			l.logf("hl7: message %q %q: %s", res.ControlID, res.Type, res.Ack.Code)
		}
		c.SetWriteDeadline(time.Now().Add(30 * time.Second))
		if err := WriteFrame(c, ack.Encode()); err != nil {
			return
		}
	}
}
