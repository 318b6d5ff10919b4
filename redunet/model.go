package redunet

import (
	"bytes"
	"fmt"
	"io"
	"os"
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
