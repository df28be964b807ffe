package hl7

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Split cuts a file of messages (as EHRs write batch files: segments one
// per line, each message starting with MSH) into messages. Batch envelope
// segments (FHS, BHS, BTS, FTS) and MLLP framing bytes are dropped.
func Split(data []byte) [][]byte {
	var out [][]byte
	var cur []byte
	for len(data) > 0 {
		i := bytes.IndexAny(data, "\r\n")
		var line []byte
		if i < 0 {
			line, data = data, nil
		} else {
			line, data = data[:i], data[i+1:]
		}
		line = bytes.Trim(line, "\x0b\x1c")
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if len(line) >= 3 {
			switch string(line[:3]) {
			case "FHS", "BHS", "BTS", "FTS":
				continue
			case "MSH":
				if cur != nil {
					out = append(out, cur)
				}
				cur = []byte{}
			}
		}
		if cur == nil {
			// Text before the first MSH: kept as its own (invalid)
			// message, so it is refused rather than silently lost.
			cur = []byte{}
		}
		cur = append(cur, line...)
		cur = append(cur, '\r')
	}
	if cur != nil {
		out = append(out, cur)
	}
	return out
}

// MLLP framing (HL7 v2 minimal lower layer protocol): a message is sent as
// VT message FS CR.
const (
	startBlock = 0x0b
	endBlock   = 0x1c
)

// ErrFrame is returned for bytes that are not an MLLP frame.
var ErrFrame = errors.New("hl7: not an MLLP frame (expected VT ... FS CR)")

// ReadFrame reads one MLLP frame from r and returns the message inside.
// It returns io.EOF at a clean end of stream and refuses a frame longer
// than MaxMessageBytes.
func ReadFrame(r *bufio.Reader) ([]byte, error) {
	// Bytes between frames (a stray CR or LF) are skipped.
	for {
		c, err := r.ReadByte()
		if err != nil {
			return nil, err
		}
		if c == startBlock {
			break
		}
		if c != '\r' && c != '\n' {
			return nil, ErrFrame
		}
	}
	var buf []byte
	for {
		chunk, err := r.ReadSlice(endBlock)
		if len(buf)+len(chunk) > MaxMessageBytes+1 {
			return nil, fmt.Errorf("hl7: MLLP frame longer than %d bytes", MaxMessageBytes)
		}
		buf = append(buf, chunk...)
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, err
		}
		break
	}
	c, err := r.ReadByte()
	if err != nil {
		return nil, io.ErrUnexpectedEOF
	}
	if c != '\r' {
		return nil, ErrFrame
	}
	return buf[:len(buf)-1], nil
}

// WriteFrame writes msg as one MLLP frame.
func WriteFrame(w io.Writer, msg []byte) error {
	b := make([]byte, 0, len(msg)+3)
	b = append(b, startBlock)
	b = append(b, msg...)
	b = append(b, endBlock, '\r')
	_, err := w.Write(b)
	return err
}
