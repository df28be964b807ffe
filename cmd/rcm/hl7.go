package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/openrcm/openrcm"
	"github.com/openrcm/openrcm/codeset"
	"github.com/openrcm/openrcm/hl7"
	"github.com/openrcm/openrcm/sqldb"
)

func init() {
	register("hl7", "HL7 v2 interface: MLLP listener, file import, the interface error queue", runHL7)
}

const hl7Usage = `listen [--db DB] --addr HOST:PORT [--org ID]
       rcm hl7 import [--db DB] [--org ID] FILE...
       rcm hl7 queue [--db DB] [--org ID] [--all] [--json|--csv]
       rcm hl7 show [--db DB] [--org ID] MESSAGE_ID
       rcm hl7 replay [--db DB] [--org ID] MESSAGE_ID [--file FIXED.hl7]

listen accepts MLLP connections and answers each message with an ACK
(MSA-1 AA, AE or AR; MSA-2 the message's MSH-10; an ERR segment naming the
field at fault). import reads the same messages from files (one or more
messages per file, segments one per line). ADT^A04/A08 register or update
the patient (PID), coverages (IN1/IN2) and guarantor (GT1); DFT^P03 makes
one encounter per visit from its FT1 charges and DG1 diagnoses. Each
message is applied whole or not at all; a message already applied (same
MSH-10) changes nothing.
queue lists the messages refused (the interface error queue; --all lists
every message); show prints one with its error; replay applies it again
after the cause is fixed, from the stored text or from --file.`

func runHL7(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usagef("usage: rcm hl7 %s", hl7Usage)
	}
	sub, rest := args[0], args[1:]
	if sub == "-h" || sub == "--help" {
		fmt.Fprintf(env.Stderr, "usage: rcm hl7 %s\n", hl7Usage)
		return nil
	}
	switch sub {
	case "listen", "import", "queue", "show", "replay":
	default:
		return usagef("unknown subcommand %q; usage: rcm hl7 %s", sub, hl7Usage)
	}
	fs := newFlagSet(env, "hl7 "+sub, hl7Usage)
	dsn := dbFlag(fs, env)
	org := orgFlag(fs)
	addr := fs.String("addr", "", "listen: the address to accept MLLP connections on, HOST:PORT")
	all := fs.Bool("all", false, "queue: list every message, not only the refused ones")
	file := fs.String("file", "", "replay: the fixed message to apply instead of the stored one")
	format := listFlags(fs)
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	// Flags may follow the positional arguments (replay ID --file F).
	var pos []string
	for fs.NArg() > 0 {
		pos = append(pos, fs.Arg(0))
		if err := parseFlags(fs, fs.Args()[1:]); err != nil {
			return err
		}
	}
	nargs, arg := len(pos), func(i int) string { return pos[i] }
	if err := format.check(); err != nil {
		return err
	}
	switch {
	case format.given() && sub != "queue":
		return usagef("--json and --csv are for queue")
	case sub == "listen" && *addr == "":
		return usagef("--addr HOST:PORT is required")
	case sub == "listen" && nargs > 0, sub == "queue" && nargs > 0:
		return usagef("unexpected argument %q", arg(0))
	case sub == "import" && nargs == 0:
		return usagef("name at least one FILE")
	case (sub == "show" || sub == "replay") && nargs != 1:
		return usagef("name one MESSAGE_ID")
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if ctx, err = orgContext(ctx, db, *org); err != nil {
		return err
	}
	rc, err := hl7Receiver(ctx, db)
	if err != nil {
		return err
	}
	switch sub {
	case "listen":
		return hl7Listen(ctx, env, rc, *addr, db.Dialect() == sqldb.SQLite)
	case "import":
		return hl7Import(ctx, env, rc, pos)
	case "queue":
		f := rcm.InterfaceMessageFilter{Kind: rcm.InterfaceHL7, Status: rcm.InterfaceFailed, Limit: 1000}
		if *all {
			f.Status = ""
		}
		ms, err := db.FindInterfaceMessages(ctx, f)
		if err != nil {
			return err
		}
		t := &table{header: []string{"MESSAGE", "RECEIVED", "CONTROL ID", "TYPE", "STATUS", "ACK", "FIELD", "ERROR"}, none: "The HL7 error queue is empty."}
		for _, m := range ms {
			t.add(strconv.FormatInt(m.ID, 10), m.ReceivedAt.Format("2006-01-02 15:04"), m.ControlID, m.Type, m.Status, m.Ack, m.ErrorField, m.ErrorText)
		}
		return format.print(env.Stdout, t, ms)
	case "show":
		id, err := strconv.ParseInt(arg(0), 10, 64)
		if err != nil {
			return usagef("MESSAGE_ID must be a number")
		}
		m, err := db.FindInterfaceMessageByID(ctx, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "message %d  %s %s  control id %s\nstatus %s (ACK %s), %d attempt(s), received %s\n",
			m.ID, m.Kind, m.Type, m.ControlID, m.Status, m.Ack, m.Attempts, m.ReceivedAt.Format("2006-01-02 15:04:05"))
		if m.ErrorText != "" {
			fmt.Fprintf(env.Stdout, "error at %s: %s\n", m.ErrorField, m.ErrorText)
		}
		fmt.Fprintln(env.Stdout)
		fmt.Fprintln(env.Stdout, strings.ReplaceAll(strings.TrimRight(m.Body, "\r\n"), "\r", "\n"))
		return nil
	case "replay":
		id, err := strconv.ParseInt(arg(0), 10, 64)
		if err != nil {
			return usagef("MESSAGE_ID must be a number")
		}
		var body []byte
		if *file != "" {
			if body, err = readLimited(*file, hl7.MaxMessageBytes); err != nil {
				return err
			}
		}
		_, res, err := rc.Replay(ctx, id, body)
		if err != nil {
			return err
		}
		printHL7Result(env.Stdout, "message "+arg(0), res)
		if res.Ack.Code != hl7.AA {
			return exitCode(1)
		}
	}
	return nil
}

// hl7Receiver wires the receiver to the database, with the code sets in
// force checking the codes of charges.
func hl7Receiver(ctx context.Context, db *sqldb.DB) (*hl7.Receiver, error) {
	cat, err := catalogFor(ctx, db)
	if err != nil {
		return nil, err
	}
	a, _ := rcm.ActorFromContext(ctx)
	return &hl7.Receiver{Store: db, Clock: db.Clock, Codes: codeset.Checker{Catalog: cat, Org: strconv.FormatInt(a.OrgID, 10)}}, nil
}

func hl7Listen(ctx context.Context, env *Env, rc *hl7.Receiver, addr string, serialize bool) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "rcm hl7: accepting MLLP connections on %s\n", ln.Addr())
	l := &hl7.Listener{Receiver: rc, Serialize: serialize, Log: func(format string, args ...any) {
		fmt.Fprintf(env.Stderr, format+"\n", args...)
	}}
	return l.Serve(ctx, ln)
}

// maxHL7File bounds a file given to rcm hl7 import: a day's charges of a
// large practice are a few megabytes.
const maxHL7File = 256 << 20

func hl7Import(ctx context.Context, env *Env, rc *hl7.Receiver, files []string) error {
	failed := 0
	for _, name := range files {
		data, err := readLimited(name, maxHL7File)
		if err != nil {
			fmt.Fprintf(env.Stderr, "%s: %v\n", name, err)
			failed++
			continue
		}
		sum := map[string]int{}
		results, err := rc.ImportFile(ctx, data)
		if err != nil {
			return fmt.Errorf("%s %w", name, err)
		}
		for i, res := range results {
			key := res.Ack.Code
			if res.Ack.Duplicate {
				key = "duplicate"
			}
			sum[key]++
			if res.Ack.Code != hl7.AA {
				failed++
				printHL7Result(env.Stdout, fmt.Sprintf("%s message %d", name, i+1), res)
			}
		}
		fmt.Fprintf(env.Stdout, "%s: %d applied, %d duplicate, %d refused (AE), %d rejected (AR)\n",
			name, sum[hl7.AA], sum["duplicate"], sum[hl7.AE], sum[hl7.AR])
	}
	if failed > 0 {
		return exitCode(1)
	}
	return nil
}

func printHL7Result(w io.Writer, what string, res hl7.Result) {
	switch {
	case res.Ack.Duplicate:
		fmt.Fprintf(w, "%s (%s %s): already applied, nothing changed\n", what, res.ControlID, res.Type)
	case res.Ack.Code == hl7.AA:
		fmt.Fprintf(w, "%s (%s %s): applied\n", what, res.ControlID, res.Type)
	default:
		fmt.Fprintf(w, "%s (%s %s): %s at %s: %s (queued as message %d)\n", what, res.ControlID, res.Type, res.Ack.Code, res.Ack.Location, res.Ack.Text, res.Stored)
	}
}

// readLimited reads a file, refusing one larger than max bytes.
func readLimited(name string, max int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, rcm.Errorf(rcm.EINVALID, "%s is larger than %d bytes.", name, max)
	}
	return data, nil
}
