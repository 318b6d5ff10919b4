package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
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
	// args is set for a command that takes arguments (such as files),
	// which its run function reads from env.args. Flags may come before,
	// between or after them; "--" ends the flags, for a file whose name
	// starts with "-".
	args bool
	// flags registers the command's flags on fs and returns the function
	// that runs it once they are parsed.
	flags func(fs *flag.FlagSet) func(ctx context.Context, e *env) error
}

// env is what a command writes to, and the arguments it was given after
// its flags (commands with args).
type env struct {
	stdout, stderr io.Writer
	args           []string
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
	// checkMemory may set a soft memory limit for the run; the next run
	// (in tests, in the same process) starts from the one before.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
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
			registerProfile(fs, new(string))
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
	var cpuProfile string
	registerProfile(fs, &cpuProfile)
	var err error
	if c.args {
		e.args, err = parseInterspersed(fs, args[1:])
	} else {
		err = parse(fs, args[1:])
	}
	if err == nil {
		err = profiled(ctx, cpuProfile, func() error { return runner(ctx, e) })
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, c.usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return exitOK
	case errors.Is(err, context.Canceled) || ctx.Err() != nil:
		// Whatever failed once the context was cancelled failed because
		// of it.
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

// parseInterspersed parses args into fs with flags anywhere among the
// arguments, which it returns in order: "a -json b" is the flag -json and
// the arguments a and b. Everything after "--" is an argument.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var out []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return out, nil
		}
		if i := len(args) - len(rest) - 1; i >= 0 && args[i] == "--" {
			return append(out, rest...), nil
		}
		out = append(out, rest[0])
		args = rest[1:]
	}
}

// paramFlags registers the ReduNet hyper-parameters: η, ε² (the squared
// distortion, which the reference code calls "eps"), λ and the layers.
func paramFlags(fs *flag.FlagSet, p *redunet.Params) {
	fs.Float64Var(&p.Eta, "eta", 0.5, "step size η of every layer")
	fs.Float64Var(&p.EpsSq, "eps2", 0.1, "ε², the SQUARED distortion (the reference code's \"eps\")")
	fs.Float64Var(&p.Lambda, "lambda", 500, "λ, sharpness of the soft class assignment")
	fs.IntVar(&p.Layers, "layers", 20, "number of layers L, 0 to 100000")
	fs.StringVar(&p.Precision, "precision", redunet.Float64, "arithmetic of the layers' application: float64, or float32 (half the memory of the samples, twice the SIMD width; statistics and factorisations stay float64)")
}

// checkParams validates the hyper-parameters as usage errors.
func checkParams(p redunet.Params) error {
	if err := p.Validate(); err != nil {
		return usageError{err}
	}
	return checkRange("layers", p.Layers, 0, maxLayers)
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
