package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/pprof"

	"github.com/redunet-go/redunet/internal/atomicfile"
)

// profileFile is a CPU profile as runtime/pprof writes it (gzip).
var profileFile = &fileKind{"a CPU profile", func(b []byte) bool { return bytes.HasPrefix(b, []byte{0x1f, 0x8b}) }}

// registerProfile adds -cpuprofile to every command: the run's CPU profile,
// for `go tool pprof`, written atomically when the command ends.
func registerProfile(fs *flag.FlagSet, path *string) {
	fs.StringVar(path, "cpuprofile", "", "write a CPU profile of the run to this file (for go tool pprof; an existing file is replaced only if it is a profile)")
}

// profiled runs f under the CPU profiler when path is set, and saves the
// profile however f ends.
func profiled(ctx context.Context, path string, f func() error) error {
	if path == "" {
		return f()
	}
	if err := checkOutput(path, "-cpuprofile", false, profileFile, &inputs{}); err != nil {
		return usageError{err}
	}
	var buf bytes.Buffer
	if err := pprof.StartCPUProfile(&buf); err != nil {
		return fmt.Errorf("-cpuprofile: %w", err)
	}
	err := f()
	pprof.StopCPUProfile()
	// The profile of an interrupted run is still worth keeping.
	if werr := atomicfile.WriteContext(context.WithoutCancel(ctx), path, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	}); werr != nil && err == nil {
		err = fmt.Errorf("-cpuprofile: %w", werr)
	}
	return err
}
