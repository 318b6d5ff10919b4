package main

import (
	"flag"

	"github.com/redunet-go/redunet/experiment"
)

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
	fs.IntVar(&f.channels, "channels", 0, "conv1d/2d/3d: channels after the lift (default 75 for conv2d, 20 for conv1d, 8 for conv3d)")
	fs.IntVar(&f.kernel, "kernel", 0, "conv1d/2d/3d: lift kernel size k (k×k in 2-D, k×k×k in 3-D; default 9 for conv2d, 5 for conv1d, 3 for conv3d)")
	fs.Uint64Var(&f.seed, "seed", 1, "seed of the lift kernels")
	fs.IntVar(&f.radii, "radii", 15, "conv1d on images: radii C of the polar transform (channels)")
	fs.IntVar(&f.angles, "angles", 200, "conv1d on images: angles T of the polar transform (signal length)")
	fs.IntVar(&f.workers, "workers", 0, "goroutines (0: all cores); results do not depend on it")
}

// check validates the flags and fills in the defaults. set, if not nil,
// tells which flags the user gave: an explicit -channels 0 or -kernel 0 is
// an error, not a request for the default.
func (f *archFlags) check(set map[string]bool) error {
	for _, name := range []string{"channels", "kernel"} {
		v := map[string]int{"channels": f.channels, "kernel": f.kernel}[name]
		if set[name] && v < 1 {
			return usagef("-%s %d: want ≥ 1", name, v)
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
	if f.channels < 1 || f.kernel < 1 {
		return usagef("-channels %d, -kernel %d: want ≥ 1", f.channels, f.kernel)
	}
	if f.arch == "conv1d" && (f.radii < 1 || f.angles < 1) {
		return usagef("-radii %d, -angles %d: want ≥ 1", f.radii, f.angles)
	}
	return nil
}

// layout returns the layout of the data for the architecture.
func (f *archFlags) layout() experiment.Layout {
	return experiment.Layout{Arch: experiment.Arch(f.arch), Radii: f.radii, Angles: f.angles}
}
