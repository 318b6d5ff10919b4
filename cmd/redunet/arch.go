package main

import (
	"flag"
	"fmt"
	"slices"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/redunet"
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
	// imageShape is the C×H×W shape of the images that the polar transform
	// turned into conv1d signals (nil when the data were signals).
	imageShape []int
}

func (f *archFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.arch, "arch", "vector", "architecture: vector, conv1d (shift-invariant, 1-D signals; images go through the polar transform) or conv2d (translation-invariant)")
	fs.StringVar(&f.lift, "lift", "gaussian", "conv1d/conv2d: lifting by fixed random N(0,1) kernels and ReLU (gaussian), or none")
	fs.IntVar(&f.channels, "channels", 0, "conv1d/conv2d: channels after the lift (default 75 for conv2d, 20 for conv1d)")
	fs.IntVar(&f.kernel, "kernel", 0, "conv1d/conv2d: lift kernel size k (k×k in 2-D; default 9 for conv2d, 5 for conv1d)")
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
	case "conv1d", "conv2d":
	default:
		return usagef("-arch %q: the architectures are vector, conv1d and conv2d", f.arch)
	}
	if f.lift != "gaussian" && f.lift != "none" {
		return usagef("-lift %q: want gaussian or none", f.lift)
	}
	def := map[string][2]int{"conv2d": {75, 9}, "conv1d": {20, 5}}[f.arch]
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

// layout puts a set in the form the architecture takes: images stay
// C×H×W for conv2d; for conv1d, C×T signals stay as they are and 1×H×W
// images go through the polar transform (SPEC §5). It returns the set, its
// channels and its signal shape ([d] for vector).
func (f *archFlags) layout(s *datasets.Set) (*datasets.Set, int, []int, error) {
	switch f.arch {
	case "vector":
		return s, 1, []int{s.Dim()}, nil
	case "conv2d":
		if len(s.Shape) != 3 {
			return nil, 0, nil, fmt.Errorf("%s: conv2d takes images (C×H×W samples); these are %v", s.Name, s.Shape)
		}
		return s, s.Shape[0], s.Shape[1:], nil
	}
	switch len(s.Shape) {
	case 2:
		return s, s.Shape[0], s.Shape[1:], nil
	case 3:
		if s.Shape[0] != 1 {
			return nil, 0, nil, fmt.Errorf("%s: conv1d takes C×T signals or 1-channel images (polar transform); these are %v", s.Name, s.Shape)
		}
		p, err := datasets.Polar(s, f.radii, f.angles)
		if err != nil {
			return nil, 0, nil, err
		}
		f.imageShape = slices.Clone(s.Shape)
		return p, p.Shape[0], p.Shape[1:], nil
	}
	return nil, 0, nil, fmt.Errorf("%s: conv1d takes C×T signals or images; these are %v", s.Name, s.Shape)
}

// newLift makes the lift of a convolutional architecture (nil for none).
func (f *archFlags) newLift(inChannels int, shape []int) (*conv.Lift, error) {
	if f.lift == "none" {
		return nil, nil
	}
	return conv.NewGaussianLift(inChannels, f.channels, f.kernel, len(shape), f.seed)
}

// allShifts returns the all-shifts set of SPEC §5: the first perClass
// samples of each class of s (already laid out as the architecture takes
// it), each shifted cyclically by every shift of the grid: in 2-D every
// (dy, dx) in {0, H/4, H/2, 3H/4} × {0, W/4, W/2, 3W/4} (for 28×28:
// {0,7,14,21}², 16 shifts); in 1-D every multiple of 10 below T (T = 200:
// 20 shifts; every shift when T < 20). Vector nets on images use the 2-D
// grid.
func allShifts(s *datasets.Set, arch string, perClass int) (*datasets.Set, error) {
	// At most as many per class as the smallest class has (perClass ≤ 0:
	// every sample).
	for _, c := range s.Counts() {
		if perClass > 0 && c > 0 && c < perClass {
			perClass = c
		}
	}
	base, err := s.Subset(nil, perClass, 0)
	if err != nil {
		return nil, err
	}
	d := base.Dim()
	out := &datasets.Set{Name: s.Name + "/all-shifts", Shape: base.Shape, Classes: base.Classes}
	twoD := len(base.Shape) == 3 && (arch == "conv2d" || arch == "vector")
	oneD := len(base.Shape) == 2 && arch == "conv1d"
	if !twoD && !oneD {
		return nil, fmt.Errorf("%s: no cyclic shifts for %v samples with -arch %s", s.Name, base.Shape, arch)
	}
	shifts := 16
	if oneD {
		shifts = len(shiftOffsets(base.Shape[1]))
	}
	out.X = make([]float64, 0, base.Len()*shifts*d)
	out.Labels = make([]int, 0, base.Len()*shifts)
	for i := 0; i < base.Len(); i++ {
		x := base.Row(i)
		if twoD {
			c, h, w := base.Shape[0], base.Shape[1], base.Shape[2]
			for a := 0; a < 4; a++ {
				for b := 0; b < 4; b++ {
					n := len(out.X)
					out.X = out.X[:n+d]
					conv.Shift2D(out.X[n:], x, c, h, w, a*h/4, b*w/4)
					out.Labels = append(out.Labels, base.Labels[i])
				}
			}
		} else {
			c, t := base.Shape[0], base.Shape[1]
			for _, sh := range shiftOffsets(t) {
				n := len(out.X)
				out.X = out.X[:n+d]
				conv.Shift1D(out.X[n:], x, c, t, sh)
				out.Labels = append(out.Labels, base.Labels[i])
			}
		}
	}
	return out, nil
}

// shiftOffsets are the 1-D shifts of the all-shifts set: every multiple of
// 10 below t (every shift when t < 20).
func shiftOffsets(t int) []int {
	step := 10
	if t < 20 {
		step = 1
	}
	var s []int
	for sh := 0; sh < t; sh += step {
		s = append(s, sh)
	}
	return s
}

// meta returns the architecture-specific parameters recorded in a
// model's metadata, for eval to lay out its test data the same way.
func (f *archFlags) meta() map[string]string {
	m := map[string]string{"arch": f.arch}
	if f.arch == "conv1d" && f.imageShape != nil {
		m["radii"], m["angles"] = fmt.Sprint(f.radii), fmt.Sprint(f.angles)
		m["image_shape"] = fmt.Sprintf("%dx%dx%d", f.imageShape[0], f.imageShape[1], f.imageShape[2])
	}
	return m
}

// fromModel sets the flags from a loaded model (for eval).
func (f *archFlags) fromModel(m *redunet.Model) error {
	f.arch = m.Arch
	if m.Arch == "conv1d" {
		if _, err := fmt.Sscan(m.Meta["radii"], &f.radii); err != nil {
			f.radii = 15
		}
		if _, err := fmt.Sscan(m.Meta["angles"], &f.angles); err != nil {
			f.angles = 200
		}
		var c, h, w int
		if _, err := fmt.Sscanf(m.Meta["image_shape"], "%dx%dx%d", &c, &h, &w); err == nil {
			f.imageShape = []int{c, h, w}
		} else if _, ok := m.Meta["radii"]; ok {
			f.imageShape = []int{1, 28, 28} // models saved before image_shape was recorded
		}
	}
	return nil
}
