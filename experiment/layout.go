package experiment

import (
	"fmt"
	"slices"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/redunet"
)

// Arch is a network architecture. Its string is the name a model records
// (redunet.Model.Arch) and that the command line takes.
type Arch string

// The architectures.
const (
	// Vector is the vector ReduNet on flattened samples.
	Vector Arch = "vector"
	// Conv1D is the shift-invariant ReduNet on C×T signals (1-channel
	// images go through the polar transform first, so that rotations
	// become shifts).
	Conv1D Arch = "conv1d"
	// Conv2D is the translation-invariant ReduNet on C×H×W images.
	Conv2D Arch = "conv2d"
	// Conv3D is the shift-invariant ReduNet on C×D×H×W volumes.
	Conv3D Arch = "conv3d"
)

// Rank returns the number of spatial axes the architecture's convolutions
// and shifts run over: 1, 2 or 3 for the convolutional architectures, 0 for
// Vector and for an unknown architecture.
func (a Arch) Rank() int {
	switch a {
	case Conv1D:
		return 1
	case Conv2D:
		return 2
	case Conv3D:
		return 3
	}
	return 0
}

// Default polar transform of Layout: the rotation-invariant MNIST
// experiment's 15 radii × 200 angles.
const (
	DefaultRadii  = 15
	DefaultAngles = 200
)

// Layout is how a data set is laid out for an architecture. A sample of
// shape [C, n1, …, nr] has C channels on r spatial axes; the layouts are:
//
//   - Vector: the samples as they are, flattened (any shape; the network
//     sees C·n1·…·nr values).
//   - Conv1D: C×T signals as they are; 1×H×W images through the polar
//     transform (datasets.Polar), which makes them Radii×Angles signals.
//   - Conv2D: C×H×W images as they are.
//   - Conv3D: C×D×H×W volumes as they are.
//
// The zero Radii and Angles mean DefaultRadii and DefaultAngles.
type Layout struct {
	Arch Arch
	// Radii and Angles are the polar transform of Conv1D on images: the
	// channels and the length of the signals it makes.
	Radii, Angles int
}

// polar returns the polar transform's radii and angles, defaults filled in.
func (l Layout) polar() (radii, angles int) {
	radii, angles = l.Radii, l.Angles
	if radii == 0 {
		radii = DefaultRadii
	}
	if angles == 0 {
		angles = DefaultAngles
	}
	return radii, angles
}

// Apply lays out s for the architecture: it returns s itself when the
// samples are taken as they are, or a new set (the polar transform of
// images for Conv1D). It returns an error when the samples do not have a
// shape the architecture takes, or for an unknown architecture.
func (l Layout) Apply(s *datasets.Set) (*datasets.Set, error) {
	switch l.Arch {
	case Vector:
		return s, nil
	case Conv1D:
		switch len(s.Shape) {
		case 2:
			return s, nil
		case 3:
			if s.Shape[0] != 1 {
				return nil, fmt.Errorf("%s: conv1d takes C×T signals or 1-channel images (polar transform); these are %v", s.Name, s.Shape)
			}
			r, a := l.polar()
			return datasets.Polar(s, r, a)
		}
		return nil, fmt.Errorf("%s: conv1d takes C×T signals or images; these are %v", s.Name, s.Shape)
	case Conv2D:
		if len(s.Shape) != 3 {
			return nil, fmt.Errorf("%s: conv2d takes images (C×H×W samples); these are %v", s.Name, s.Shape)
		}
		return s, nil
	case Conv3D:
		if len(s.Shape) != 4 {
			return nil, fmt.Errorf("%s: conv3d takes volumes (C×D×H×W samples); these are %v", s.Name, s.Shape)
		}
		return s, nil
	}
	return nil, fmt.Errorf("experiment: unknown architecture %q", l.Arch)
}

// Signal splits the shape of a laid-out sample into the channels and the
// signal shape the network works on: [C, n1, …, nr] gives C and
// [n1, …, nr] for the convolutional architectures; a Vector sample is d
// channels on the empty shape (a single point), d the product of the
// shape — how package redunet computes a vector net.
func (l Layout) Signal(shape []int) (channels int, signal []int) {
	if l.Arch == Vector || len(shape) < 2 {
		// A vector is d channels at a single point: the empty signal shape.
		d := 1
		for _, v := range shape {
			d *= v
		}
		return d, []int{}
	}
	return shape[0], slices.Clone(shape[1:])
}

// ShiftRank returns the rank of the all-shifts grid for laid-out samples of
// the given shape, and false when they have no cyclic shifts: a
// convolutional architecture shifts its r spatial axes; a Vector net on
// samples of C×n1×…×nr values (r ≥ 1) is tested on the same shifts as a
// convolutional net on them would be, and flat [d] vectors have none.
func (l Layout) ShiftRank(shape []int) (int, bool) {
	r := l.Arch.Rank()
	if l.Arch == Vector {
		r = len(shape) - 1
	}
	return r, r >= 1 && len(shape) == r+1
}

// Preprocess returns what the layout does to raw samples of the given shape,
// as a model records it: the image format of C×H×W images with 1 (gray) or
// 3 (RGB) channels, and the polar transform that Conv1D applies to
// 1-channel images. It is empty for other samples.
func (l Layout) Preprocess(raw []int) redunet.Preprocess {
	var p redunet.Preprocess
	if len(raw) == 3 && (raw[0] == 1 || raw[0] == 3) {
		p.Image = &redunet.ImageFormat{Channels: raw[0], Height: raw[1], Width: raw[2]}
	}
	if l.Arch == Conv1D && len(raw) == 3 && raw[0] == 1 {
		r, a := l.polar()
		p.Polar = &redunet.PolarTransform{Radii: r, Angles: a}
	}
	return p
}

// ForModel returns the layout of a saved model, by which new data are laid
// out as its training data were, and the model's preprocessing: its
// Preprocess, or for a model saved before that was recorded (an empty
// Preprocess) the one its metadata describe.
func ForModel(m *redunet.Model) (Layout, redunet.Preprocess) {
	p := m.Preprocess
	if p.Image == nil && p.Polar == nil {
		p = legacyPreprocess(m)
	}
	l := Layout{Arch: modelArch(m)}
	if p.Polar != nil {
		l.Radii, l.Angles = p.Polar.Radii, p.Polar.Angles
	}
	return l, p
}

// legacyPreprocess is the preprocessing of a model saved before models
// recorded it, read from what such models hold: their input shape (the
// image format of vector and conv2d models of 1- or 3-channel images) and,
// for conv1d models of images, the metadata "radii", "angles" and
// "image_shape" ("CxHxW"; models older still lack it and were trained on
// 28×28 MNIST). This is the only place that reads them.
func legacyPreprocess(m *redunet.Model) redunet.Preprocess {
	var p redunet.Preprocess
	if modelArch(m) != Conv1D {
		if s := m.InputShape; len(s) == 3 && (s[0] == 1 || s[0] == 3) {
			p.Image = &redunet.ImageFormat{Channels: s[0], Height: s[1], Width: s[2]}
		}
		return p
	}
	if _, ok := m.Meta["radii"]; !ok {
		return p // a model of signals
	}
	pt := &redunet.PolarTransform{Radii: DefaultRadii, Angles: DefaultAngles}
	var v int
	if _, err := fmt.Sscan(m.Meta["radii"], &v); err == nil {
		pt.Radii = v
	}
	if _, err := fmt.Sscan(m.Meta["angles"], &v); err == nil {
		pt.Angles = v
	}
	img := &redunet.ImageFormat{Channels: 1, Height: 28, Width: 28}
	var c, h, w int
	if _, err := fmt.Sscanf(m.Meta["image_shape"], "%dx%dx%d", &c, &h, &w); err == nil {
		img = &redunet.ImageFormat{Channels: c, Height: h, Width: w}
	}
	p.Polar, p.Image = pt, img
	// Metadata are not checked with the model: check the derived
	// preprocessing as if the model had recorded it, and use none (images
	// are then refused) when it does not fit the net.
	cp := *m
	cp.Preprocess = p
	if cp.Validate() != nil {
		return redunet.Preprocess{}
	}
	return p
}
