// Command redunet builds ReduNets — deep networks whose every layer is
// computed, not trained, by one step of gradient ascent on the coding-rate
// reduction — and evaluates their features.
//
// Usage:
//
//	redunet train    -data mnist -classes 0-9 -train-per-class 100 -arch vector -layers 20 -o model.rdn
//	redunet eval     -model model.rdn -test-per-class 100
//	redunet repro    -scale small -out DIR mnist-translation
//	redunet features -model model.rdn -o features.npy
//	redunet predict  -model model.rdn image.png ...
//	redunet info     model.rdn
//	redunet help     [command]
//
// Run "redunet help COMMAND" for a command's flags. Exit status: 0 on
// success, 1 on failure (and when interrupted by SIGINT or SIGTERM, with no
// output file written), 2 on a usage error, 128 + the signal's number (130
// for Ctrl-C) when a second interrupt stops it at once.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/redunet-go/redunet/internal/atomicfile"
)

func main() {
	ctx, stop := notifyContext(context.Background(), os.Stderr, os.Exit)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// interruptSignals stop a command: Ctrl-C, and the polite kill of a
// process manager.
var interruptSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// notifyContext returns a context that is cancelled by the first interrupt
// signal (SIGINT or SIGTERM), so that the command stops at its next check
// and exits 1, "interrupted", leaving no file half-written. A second signal
// removes the temporary files being written (atomicfile.Cleanup) and exits
// at once with 128 + the signal's number (130 for Ctrl-C), through exit.
// stop stops the watch.
func notifyContext(parent context.Context, stderr io.Writer, exit func(int)) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancel(parent)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, interruptSignals...)
	done := make(chan struct{})
	go func() {
		select {
		case <-sigs:
		case <-done:
			return
		}
		cancel()
		fmt.Fprintln(stderr, "redunet: stopping (interrupt again to stop at once)")
		select {
		case s := <-sigs:
			atomicfile.Cleanup()
			code := 130
			if n, ok := s.(syscall.Signal); ok {
				code = 128 + int(n)
			}
			exit(code)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		close(done)
		cancel()
	}
}
