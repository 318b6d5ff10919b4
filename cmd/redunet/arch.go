package main

import (
	"flag"
	"runtime"

	"github.com/redunet-go/redunet/experiment"
)

// The largest values the flags take: far beyond any useful network (the
// paper's largest lift has 75 channels and 9×9 kernels, its deepest net
// 3,500 layers), and small enough that a typo is refused at once rather
// than exhausting the memory. Within them, the memory estimate of a run
// (-max-memory) decides.
const (
	maxChannels = 4096
	maxKernel   = 1024
	maxRadii    = 1024
	maxAngles   = 16384
	maxLayers   = 100000
)

// maxWorkers is the largest -workers: 4 goroutines per core.
func maxWorkers() int { return 4 * runtime.NumCPU() }

// checkWorkers refuses a -workers out of 0..maxWorkers().
func checkWorkers(w int) error {
	if w < 0 || w > maxWorkers() {
		return usagef("-workers %d: want 0 (all cores) to %d (4 per core, %d cores)", w, maxWorkers(), runtime.NumCPU())
	}
	return nil
}

// checkRange refuses a flag's value out of lo..hi.
func checkRange(name string, v, lo, hi int) error {
	if v < lo || v > hi {
		return usagef("-%s %d: want %d to %d", name, v, lo, hi)
	}
	return nil
}

// archFlags choose the architecture and, for the convolutional ones, the
// lift and the layout of the data.
type archFlags struct {
	arch     string
	lift     string
	channels int
	kernel   int
	seed     uint64
	radii    int
	angles   int
	workers  int
}

func (f *archFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.arch, "arch", "vector", "architecture: vector, conv1d (shift-invariant, 1-D signals; images go through the polar transform), conv2d (translation-invariant images) or conv3d (shift-invariant C×D×H×W volumes, e.g. npy: input of m×C×D×H×W)")
	fs.StringVar(&f.lift, "lift", "gaussian", "conv1d/2d/3d: lifting by fixed random N(0,1) kernels and ReLU (gaussian), or none")
	fs.IntVar(&f.channels, "channels", 0, "conv1d/2d/3d: channels after the lift, 1 to 4096 (default 75 for conv2d, 20 for conv1d, 8 for conv3d)")
	fs.IntVar(&f.kernel, "kernel", 0, "conv1d/2d/3d: lift kernel size k, 1 to 1024 and at most the signal's size (k×k in 2-D, k×k×k in 3-D; default 9 for conv2d, 5 for conv1d, 3 for conv3d)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the lift kernels")
	fs.IntVar(&f.radii, "radii", 15, "conv1d on images: radii C of the polar transform (channels), 1 to 1024")
	fs.IntVar(&f.angles, "angles", 200, "conv1d on images: angles T of the polar transform (signal length), 1 to 16384")
	registerWorkers(fs, &f.workers)
}

// check validates the flags and fills in the defaults. set, if not nil,
// tells which flags the user gave: an explicit -channels 0 or -kernel 0 is
// an error, not a request for the default.
func (f *archFlags) check(set map[string]bool) error {
	if err := checkWorkers(f.workers); err != nil {
		return err
	}
	for _, c := range []struct {
		name    string
		v, hi   int
		applies bool
	}{
		{"channels", f.channels, maxChannels, set["channels"]},
		{"kernel", f.kernel, maxKernel, set["kernel"]},
		{"radii", f.radii, maxRadii, f.arch == "conv1d" || set["radii"]},
		{"angles", f.angles, maxAngles, f.arch == "conv1d" || set["angles"]},
	} {
		if c.applies {
			if err := checkRange(c.name, c.v, 1, c.hi); err != nil {
				return err
			}
		}
	}
	switch f.arch {
	case "vector":
		return nil
	case "conv1d", "conv2d", "conv3d":
	default:
		return usagef("-arch %q: the architectures are vector, conv1d, conv2d and conv3d", f.arch)
	}
	if f.lift != "gaussian" && f.lift != "none" {
		return usagef("-lift %q: want gaussian or none", f.lift)
	}
	def := map[string][2]int{"conv2d": {75, 9}, "conv1d": {20, 5}, "conv3d": {8, 3}}[f.arch]
	if f.channels == 0 {
		f.channels = def[0]
	}
	if f.kernel == 0 {
		f.kernel = def[1]
	}
	return nil
}

// checkKernel refuses, as a usage error, a lift kernel larger than the
// laid-out signals it slides over.
func (f *archFlags) checkKernel(l experiment.Layout, shape []int) error {
	if f.arch == "vector" || f.lift != "gaussian" {
		return nil
	}
	_, signal := l.Signal(shape)
	for _, v := range signal {
		if f.kernel > v {
			return usagef("-kernel %d is larger than the signals, of size %s (samples of shape %s)", f.kernel, shapeString(signal), shapeString(shape))
		}
	}
	return nil
}

// registerWorkers registers -workers.
func registerWorkers(fs *flag.FlagSet, w *int) {
	fs.IntVar(w, "workers", 0, "goroutines, 0 (all cores) to 4 per core; results do not depend on it")
}

// layout returns the layout of the data for the architecture.
func (f *archFlags) layout() experiment.Layout {
	return experiment.Layout{Arch: experiment.Arch(f.arch), Radii: f.radii, Angles: f.angles}
}
