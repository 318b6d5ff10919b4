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
// success, 1 on failure, 2 on a usage error.
package main

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
