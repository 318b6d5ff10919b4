package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/redunet-go/redunet/redunet"
)

// Exit statuses: 0 success, 1 failure, 2 usage error.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// command is one subcommand: its name, a one-line summary, and a function
// that parses its own flags and runs.
type command struct {
	name    string
	summary string
	usage   string
	// args is set for a command that takes arguments after its flags (such
	// as files), which its run function reads with fs.Args().
	args bool
	// flags registers the command's flags on fs and returns the function
	// that runs it once they are parsed.
	flags func(fs *flag.FlagSet) func(ctx context.Context, e *env) error
}

// env is what a command writes to.
type env struct {
	stdout, stderr io.Writer
}

// usageError marks an error as the user's misuse of the command line (exit
// status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

var commands []*command

func init() {
	commands = []*command{trainCmd, evalCmd, featuresCmd, predictCmd, infoCmd, reproCmd}
	sort.Slice(commands, func(i, j int) bool { return commands[i].name < commands[j].name })
}

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run is the whole program: main only calls it, so tests drive the CLI
// in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		printHelp(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) > 1 {
			c := lookup(args[1])
			if c == nil {
				fmt.Fprintf(stderr, "redunet help: unknown command %q\n", args[1])
				return exitUsage
			}
			fmt.Fprint(stdout, c.usage)
			fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
			c.flags(fs)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK
		}
		printHelp(stdout)
		return exitOK
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintf(stderr, "redunet: unknown command %q\n", args[0])
		printHelp(stderr)
		return exitUsage
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	runner := c.flags(fs)
	parseArgs := parse
	if c.args {
		parseArgs = parseFlags
	}
	err := parseArgs(fs, args[1:])
	if err == nil {
		err = runner(ctx, e)
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, c.usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return exitOK
	case errors.Is(err, context.Canceled):
		fmt.Fprintf(stderr, "redunet %s: interrupted\n", c.name)
		return exitFail
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "redunet %s: %v\n", c.name, err)
		fmt.Fprintf(stderr, "run 'redunet help %s' for usage\n", c.name)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "redunet %s: %v\n", c.name, err)
		return exitFail
	}
}

func printHelp(w io.Writer) {
	fmt.Fprint(w, `redunet builds ReduNets: white-box deep networks whose every layer is computed,
not trained, by one step of gradient ascent on the coding-rate reduction.

Usage: redunet COMMAND [flags]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "  help     show a command's flags: redunet help COMMAND\n")
}

// parse parses args into fs, turning flag errors into usage errors and
// refusing stray arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	return nil
}

// parseFlags parses the flags in args into fs, turning flag errors into
// usage errors, and leaves the arguments after them in fs.Args().
func parseFlags(fs *flag.FlagSet, args []string) error {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	return nil
}

// paramFlags registers the ReduNet hyper-parameters: η, ε² (the squared
// distortion, which the reference code calls "eps"), λ and the layers.
func paramFlags(fs *flag.FlagSet, p *redunet.Params) {
	fs.Float64Var(&p.Eta, "eta", 0.5, "step size η of every layer")
	fs.Float64Var(&p.EpsSq, "eps2", 0.1, "ε², the SQUARED distortion (the reference code's \"eps\")")
	fs.Float64Var(&p.Lambda, "lambda", 500, "λ, sharpness of the soft class assignment")
	fs.IntVar(&p.Layers, "layers", 20, "number of layers L")
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
