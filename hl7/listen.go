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
	// Serialize applies one message at a time across connections. SQLite
	// has one writer: queueing here is cheaper than writers waiting out
	// the database's busy timeout.
	Serialize bool

	mu sync.Mutex
}

// Serve accepts connections on ln until ctx is done, then closes ln and
// waits for open connections to finish their current message.
func (l *Listener) Serve(ctx context.Context, ln net.Listener) error {
	var wg sync.WaitGroup
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
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
		if l.Serialize {
			l.mu.Lock()
		}
		ack, res, err := l.Receiver.Receive(ctx, raw)
		if l.Serialize {
			l.mu.Unlock()
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
