// Command rcm is OpenRCM: the revenue-cycle system in one binary. Each
// subcommand lives in its own file; this file only dispatches.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/openrcm/openrcm"
)

// exitUsage is the exit status for a command line that could not be understood.
const exitUsage = 2

// command is one subcommand: it parses its own flags from args and writes
// to the streams in env. It returns an error for failures (exit 1) or a
// usageError (exit 2).
type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// commands is every subcommand of rcm. Each subcommand's file registers
// itself in an init function, so adding one touches no other file.
var commands = map[string]command{}

// register adds a subcommand; it is called from init functions only.
func register(name, summary string, run func(ctx context.Context, env *Env, args []string) error) {
	if _, dup := commands[name]; dup {
		panic("rcm: command registered twice: " + name)
	}
	commands[name] = command{summary, run}
}

func init() { register("version", "print the version", runVersion) }

// Env is what a subcommand may touch of the outside world: its streams and
// environment. Tests build one to drive Run without a process.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// usageError marks a command-line mistake (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(Run(testHooks(ctx), env, os.Args[1:]))
}

// testHooks is the identity, except in a binary built with -tags rcmchaos
// for the multi-process test (chaos_hook.go).
var testHooks = func(ctx context.Context) context.Context { return ctx }

// Run runs rcm with the given arguments (without the program name) and
// returns the process exit status.
func Run(ctx context.Context, env *Env, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(env.Stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "rcm: unknown command %q\n\n", args[0])
		printUsage(env.Stderr)
		return exitUsage
	}
	err := cmd.run(withEnv(ctx, env), env, args[1:])
	var ue usageError
	var ec exitCode
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "rcm %s: %s\n", args[0], ue.msg)
		return exitUsage
	case errors.As(err, &ec):
		return int(ec)
	default:
		fmt.Fprintf(env.Stderr, "rcm %s: %s\n", args[0], errorText(err))
		return 1
	}
}

// exitCode lets a command choose its exit status after it has already
// reported what went wrong (for example 1 for "some files are invalid").
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: rcm COMMAND [flags] [args]")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for name := range commands {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(w, "  %-14s %s\n", name, commands[name].summary)
	}
	fmt.Fprintln(w, "\nRun 'rcm COMMAND -h' for a command's flags.")
}

// newFlagSet returns a FlagSet that reports errors instead of exiting and
// prints its usage to env.Stderr.
func newFlagSet(env *Env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet("rcm "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "usage: %s\n", usageLine(name, usage))
		fs.PrintDefaults()
	}
	return fs
}

// usageLine is the usage of command name ("claim list") from its usage
// text. A command family shares one text whose lines each begin with a
// subcommand ("build ...\n       rcm claim list ..."): that text follows
// the family's name, not the subcommand's, so no word is said twice.
func usageLine(name, usage string) string {
	parent, _, ok := strings.Cut(name, " ")
	first, _, _ := strings.Cut(usage, " ")
	if ok && first != "" && first == strings.ToLower(first) && first[0] >= 'a' && first[0] <= 'z' {
		return "rcm " + parent + " " + usage
	}
	return "rcm " + name + " " + usage
}

// isHelp reports whether a command family's first argument asks for its
// usage rather than naming a subcommand.
func isHelp(arg string) bool { return arg == "-h" || arg == "--help" || arg == "help" }

// familyHelp answers a command family's bare call (a usage error) and its
// -h (the usage, exit 0) before a subcommand opens a database; done says
// whether it answered.
func familyHelp(env *Env, family, usage string, args []string) (done bool, err error) {
	if len(args) == 0 {
		return true, usagef("usage: rcm %s %s", family, usage)
	}
	if isHelp(args[0]) {
		fmt.Fprintf(env.Stderr, "usage: rcm %s %s\n", family, usage)
		return true, nil
	}
	return false, nil
}

// parseFlags parses args into fs, turning a flag error into a usageError.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	return nil
}

func runVersion(ctx context.Context, env *Env, args []string) error {
	fmt.Fprintln(env.Stdout, "rcm", version)
	return nil
}

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// errorText is what a user sees for err: the message of a domain error (with
// its field), or the error's own text for anything else.
func errorText(err error) string {
	var e *rcm.Error
	if errors.As(err, &e) {
		if e.Field != "" {
			return e.Field + ": " + e.Message
		}
		return e.Message
	}
	return err.Error()
}

// parseInterleaved parses flags that may come after positional arguments
// ("validate E11.9 --dos 2025-01-02"), returning the positional ones.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil {
			if bf, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && bf.IsBoolFlag() {
				continue
			}
			if i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		}
	}
	if err := parseFlags(fs, flags); err != nil {
		return nil, err
	}
	return pos, nil
}

// writeJSON prints v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
