// Command d2l runs the project's jobs: installing the tools the notebooks need, generating
// the notebooks from their literate sources, executing and checking them, and the
// subcommands other parts add (train, check, grade, release, bench, ...).
//
// Usage:
//
//	go run ./cmd/d2l <command> [flags] [args]
//	go run ./cmd/d2l help            # lists the commands
//
// Each subcommand lives in its own file and registers itself from an init function:
//
//	func init() { register(&Command{Name: "gen", Summary: "...", Run: runGen}) }
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// Command is one subcommand of d2l.
type Command struct {
	// Name is the word after "d2l" on the command line.
	Name string
	// Summary is one line for "d2l help".
	Summary string
	// Usage is the argument synopsis after the name, e.g. "[flags] [notebook names...]".
	Usage string
	// Run executes the command with the arguments after its name. It returns errUsage
	// (possibly wrapped) for bad arguments, and any other error on failure.
	Run func(ctx context.Context, args []string) error
}

// commands holds the registered subcommands by name.
var commands = map[string]*Command{}

// register adds a subcommand; it panics on a duplicate name (a programming error).
func register(c *Command) {
	if _, dup := commands[c.Name]; dup {
		panic("d2l: command " + c.Name + " registered twice")
	}
	commands[c.Name] = c
}

// errUsage marks errors in the command line.
var errUsage = errors.New("usage")

// flags returns a FlagSet for command c whose usage message lists its flags.
func flags(c *Command, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("d2l "+c.Name, flag.ContinueOnError)
	fs.SetOutput(out)
	fs.Usage = func() {
		fmt.Fprintf(out, "usage: go run ./cmd/d2l %s %s\n%s\n", c.Name, c.Usage, c.Summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses a command's arguments: -h gives flag.ErrHelp, a bad flag errUsage
// (the flag package has already printed what is wrong and the usage).
func parseFlags(fs *flag.FlagSet, args []string) error {
	err := fs.Parse(args)
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	return errUsage
}

// usage prints the list of commands.
func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: go run ./cmd/d2l <command> [flags] [args]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-14s %s\n", n, commands[n].Summary)
	}
	fmt.Fprintln(w, "\nRun `go run ./cmd/d2l <command> -h` for a command's flags.")
}

// run dispatches the command line and returns the process exit status.
func run(ctx context.Context, args []string, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) == 2 {
			if c, ok := commands[args[1]]; ok {
				flags(c, stderr).Usage()
				return 0
			}
		}
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "d2l: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	err := c.Run(ctx, args[1:])
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		fmt.Fprintf(stderr, "d2l %s: interrupted\n", c.Name)
		return 130 // as a shell reports a command ended by SIGINT
	case errors.Is(err, errUsage):
		if msg := strings.TrimPrefix(err.Error(), errUsage.Error()); strings.TrimLeft(msg, ": ") != "" {
			fmt.Fprintf(stderr, "d2l %s: %s\n", c.Name, strings.TrimLeft(msg, ": "))
		}
		return 2
	default:
		fmt.Fprintf(stderr, "d2l %s: %v\n", c.Name, err)
		return 1
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}
