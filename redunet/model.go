package redunet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/redunet-go/redunet/internal/atomicfile"
)

// Model is a saved net with what is needed to use it: the class names, the
// shape of one raw input sample, how raw inputs are prepared, and the net.
type Model struct {
	// Classes are the class names, indexed by label.
	Classes []string
	// InputShape is the shape of one sample as laid out for the net: [1 28
	// 28] for MNIST images (a vector net flattens it), [15 200] for the
	// polar signals of a conv1d net on images (Preprocess then says how
	// images become such signals).
	InputShape []int
	// Preprocess is how raw inputs are turned into the net's input, so
	// that new data are prepared exactly as the training data were.
	Preprocess Preprocess
	// Meta is free-form provenance (data source, command line, ...); nothing
	// reads it back to compute.
	Meta map[string]string
	// Version and DType are the format version and the element type
	// ("float64" or "float32") of the file ReadModel read the model from;
	// Save and Write ignore them (see SaveOptions).
	Version int
	DType   string
	// Net is the network, with its training data (BuildOptions.Keep).
	Net *Net
}

// Arch names the kind of net: "vector", "conv1d", "conv2d", "conv3d", ….
func (m *Model) Arch() string { return m.Net.Arch() }

// maxImagePixels bounds Height×Width of Preprocess.Image (64 MP), so that a
// model cannot make a program decode images of absurd sizes.
const maxImagePixels = 1 << 26

// Validate reports a model that is not consistent, naming the field as the
// model file's header does: a net that NewNet would not return (Net.check:
// parameters, shape, channels, lift and its kernels, ε² for C channels);
// training data that are not kept, of the wrong size, not finite, with
// labels out of 0..K−1 or a class without samples ("labels",
// "train_input"); class names that are not one per class ("classes");
// an InputShape ("input_shape") of rank 0 or above 17, or whose product is
// not the net's SampleLen, or, for a shift-invariant net, that is not
// [InChannels, Shape...]; and a Preprocess that does not fit the net:
//
//   - Image: Channels 1 or 3, Height and Width ≥ 1, at most 64 MP
//     (2^26 pixels); without Polar the input is that image as it is, so
//     InputShape must be [Channels, Height, Width] (a vector or conv2d
//     net);
//   - Polar: Radii, Angles ≥ 1 and a 1-channel Image; the net is conv1d
//     on Radii channels of Angles samples (InputShape [Radii, Angles]).
//
// ReadModel and LoadModel return only models that pass it (as a
// FormatError); Write refuses a model that does not.
func (m *Model) Validate() error {
	if err := m.validate(); err != nil {
		return fmt.Errorf("redunet: invalid model: %w", err)
	}
	return nil
}

func (m *Model) validate() error {
	n := m.Net
	if n == nil {
		return errors.New("no network")
	}
	if err := n.check(); err != nil {
		return errors.New(bare(err))
	}
	if len(m.Classes) != n.K {
		return fmt.Errorf("classes: %d names for a net of %d classes", len(m.Classes), n.K)
	}
	per := n.SampleLen()
	if n.TrainX == nil || len(n.Labels) == 0 {
		return errors.New("the network was built without BuildOptions.Keep: no training data")
	}
	if total, ok := mulBounded(len(n.Labels), per); !ok || len(n.TrainX) != total {
		return fmt.Errorf("train_input: %d values for %d labels of %d values", len(n.TrainX), len(n.Labels), per)
	}
	counts := make([]int, n.K)
	for i, y := range n.Labels {
		if y < 0 || y >= n.K {
			return fmt.Errorf("labels: label %d of sample %d is out of range 0..%d", y, i, n.K-1)
		}
		counts[y]++
	}
	if j := slices.Index(counts, 0); j >= 0 {
		return fmt.Errorf("labels: class %d (%q) has no training samples", j, m.Classes[j])
	}
	if i := slices.IndexFunc(n.TrainX, notFinite); i >= 0 {
		return fmt.Errorf("train_input: sample %d has a non-finite value", i/per)
	}
	if err := m.checkInputShape(); err != nil {
		return err
	}
	return m.checkPreprocess()
}

// checkInputShape checks InputShape against the net.
func (m *Model) checkInputShape() error {
	n, s := m.Net, m.InputShape
	if len(s) < 1 || len(s) > maxSignalRank+1 {
		return fmt.Errorf("input_shape %v: %d axes, want 1 to %d", s, len(s), maxSignalRank+1)
	}
	prod := 1
	for _, v := range s {
		var ok bool
		if prod, ok = mulBounded(prod, v); !ok || v < 1 {
			return fmt.Errorf("input_shape %v: sizes must be ≥ 1, with at most %d values", s, int64(maxValues))
		}
	}
	if prod != n.SampleLen() {
		return fmt.Errorf("input_shape %v: %d values, the net takes %d (in_channels %d × shape %v)", s, prod, n.SampleLen(), n.InChannels, []int(n.Shape))
	}
	if len(n.Shape) > 0 && (s[0] != n.InChannels || !slices.Equal(s[1:], n.Shape)) {
		return fmt.Errorf("input_shape %v: a %s net takes [in_channels, shape...] = %v", s, n.Arch(), append([]int{n.InChannels}, n.Shape...))
	}
	return nil
}

// checkPreprocess checks Preprocess against the input shape and the net.
func (m *Model) checkPreprocess() error {
	img, pol := m.Preprocess.Image, m.Preprocess.Polar
	if img != nil {
		switch {
		case img.Channels != 1 && img.Channels != 3:
			return fmt.Errorf("preprocess.image: %d channels, want 1 (gray) or 3 (RGB)", img.Channels)
		case img.Height < 1 || img.Width < 1 || img.Height > maxImagePixels/img.Width:
			return fmt.Errorf("preprocess.image: %d×%d pixels, want at least 1×1 and at most %d", img.Height, img.Width, maxImagePixels)
		}
	}
	if pol == nil {
		if img != nil && !slices.Equal(m.InputShape, []int{img.Channels, img.Height, img.Width}) {
			return fmt.Errorf("preprocess.image: %d×%d×%d images, the input is %v", img.Channels, img.Height, img.Width, m.InputShape)
		}
		return nil
	}
	n := m.Net
	switch {
	case pol.Radii < 1 || pol.Angles < 1:
		return fmt.Errorf("preprocess.polar: %d radii, %d angles, want ≥ 1", pol.Radii, pol.Angles)
	case img == nil:
		return errors.New("preprocess.polar: the polar transform takes 1-channel images, and preprocess.image gives none")
	case img.Channels != 1:
		return fmt.Errorf("preprocess.polar: the polar transform takes 1-channel images, preprocess.image gives %d-channel ones", img.Channels)
	case n.Arch() != "conv1d" || !slices.Equal(m.InputShape, []int{pol.Radii, pol.Angles}):
		return fmt.Errorf("preprocess.polar: %d radii × %d angles, the input of the %s net is %v", pol.Radii, pol.Angles, n.Arch(), m.InputShape)
	}
	return nil
}

// Preprocess records how raw inputs were turned into the network's input.
// The zero value means the samples are used as given.
type Preprocess struct {
	// Image, when not nil, is how image files are decoded for the model:
	// the number of channels (1 gray, 3 RGB) and the size every image is
	// resized to, Channels×Height×Width.
	Image *ImageFormat `json:"image,omitempty"`
	// Polar, when not nil, is the polar transform that turns 1-channel
	// images into Radii×Angles signals (1-D shift-invariant nets on images).
	Polar *PolarTransform `json:"polar,omitempty"`
}

// ImageFormat is the layout images are decoded to: Channels×Height×Width.
type ImageFormat struct {
	Channels int `json:"channels"`
	Height   int `json:"height"`
	Width    int `json:"width"`
}

// PolarTransform is the polar transform of 1-channel images into signals of
// Radii channels and Angles samples.
type PolarTransform struct {
	Radii  int `json:"radii"`
	Angles int `json:"angles"`
}

// SaveOptions control how a model is written.
type SaveOptions struct {
	// Float32 stores the arrays in single precision, halving the file. The
	// layers rebuilt when the model is applied then differ from the trained
	// ones at the ~1e-7 level.
	Float32 bool
}

// Save writes the model to path atomically: to a temporary file in the same
// directory, synced, then renamed over path, so that a failure (a full disk,
// an interrupt) never leaves a partial or damaged file at path.
func (m *Model) Save(path string, opt SaveOptions) error {
	if err := atomicfile.Write(path, func(w io.Writer) error { return m.Write(w, opt) }); err != nil {
		return &FileError{Path: path, Err: err}
	}
	return nil
}

// LoadModel reads a model file written by Save, checking its magic number,
// version, header and sizes before reading the arrays (the read is bounded
// by the sizes the header declares) and its checksum before trusting them.
// Every field of the header is checked against the others and the model as
// a whole must pass Validate; nothing is computed from the arrays until the
// net is applied, so loading costs time and memory in proportion to the
// file (see Net.MemoryEstimate for applying it).
// Errors are *FileError values naming the file; errors.Is(err,
// ErrChecksum), errors.As(err, new(*VersionError)) and errors.As(err,
// new(FormatError)) tell the classes of failure apart.
func LoadModel(path string) (*Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	if !fi.Mode().IsRegular() {
		return nil, &FileError{Path: path, Err: FormatError("not a regular file")}
	}
	m, err := readModel(f, fi.Size())
	if err != nil {
		return nil, &FileError{Path: path, Err: err}
	}
	return m, nil
}

// ReadModel decodes a model from the bytes of a model file (see LoadModel).
func ReadModel(data []byte) (*Model, error) {
	m, err := readModel(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, prefixed(err)
	}
	return m, nil
}

// FileError is an error about a model file: the operation's error and the
// file's path. Its message carries the package prefix once:
// "redunet: model PATH: …".
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string {
	return fmt.Sprintf("redunet: model %s: %s", e.Path, bare(e.Err))
}

func (e *FileError) Unwrap() error { return e.Err }

// prefixed adds the package prefix to an error that does not carry it.
func prefixed(err error) error {
	if strings.HasPrefix(err.Error(), "redunet: ") {
		return err
	}
	return fmt.Errorf("redunet: %w", err)
}
