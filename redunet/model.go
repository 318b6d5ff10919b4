package redunet

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/internal/atomicfile"
)

// The model file format, version 1. All integers and floats little-endian.
//
//	magic    8 bytes  "REDUNET\n"
//	version  uint32   ModelVersion
//	hlen     uint32   length of the header
//	header   hlen bytes of JSON (modelHeader): architecture, parameters,
//	         class names, input shape, training labels, and the list of
//	         sections that follow with their lengths and element type
//	sections the arrays named in the header, float64 or float32
//	checksum 32 bytes SHA-256 of everything before it
//
// A vector network is stored as its training features at the input of
// every layer (Z_1 … Z_L) and after the last (Z_{L+1}), with the training
// labels: every operator of layer ℓ is a deterministic function of Z_ℓ and
// the labels (SPEC §2), so loading rebuilds them exactly, and the stored
// final features let a model be evaluated without the training data. For
// m < d·(K+1)/2 this is also smaller than the operators themselves.

// ModelVersion is the version of the model file format this package writes
// and reads.
const ModelVersion = 1

var modelMagic = [8]byte{'R', 'E', 'D', 'U', 'N', 'E', 'T', '\n'}

// maxHeader bounds the header size accepted when reading (labels of a
// million samples fit comfortably).
const maxHeader = 64 << 20

// A multichannel network (conv1d, conv2d) is stored as its lift kernels and
// its training input as given, with the training labels: its layers are a
// deterministic function of those, rebuilt one at a time when it is applied
// (see MultiNet), which keeps the file a small fraction of the layers'
// operators or inputs (the training input of 10 MNIST images per class:
// 0.7 MB).

// Model is a saved network with what is needed to use it: the architecture,
// the parameters, the class names, the shape of one input sample and the
// network itself.
type Model struct {
	// Arch is the architecture: "vector", "conv1d" or "conv2d".
	Arch string
	// Classes are the class names, indexed by label.
	Classes []string
	// InputShape is the shape of one input sample, e.g. [1, 28, 28].
	InputShape []int
	// Preprocess is how raw inputs are turned into the network's input, so
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
	// Vector is the network, for Arch "vector".
	Vector *VectorNet
	// Multi is the network, for Arch "conv1d" and "conv2d".
	Multi *MultiNet
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

// liftInfo describes a lift in the header; its kernels are a section.
type liftInfo struct {
	In   int `json:"in"`
	Out  int `json:"out"`
	K    int `json:"k"`
	Dims int `json:"dims"`
}

// SaveOptions control how a model is written.
type SaveOptions struct {
	// Float32 stores the arrays in single precision, halving the file. The
	// operators rebuilt on loading then differ from the trained ones at the
	// ~1e-7 level.
	Float32 bool
}

type sectionInfo struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

type modelHeader struct {
	Arch       string            `json:"arch"`
	Params     Params            `json:"params"`
	Classes    []string          `json:"classes"`
	InputShape []int             `json:"input_shape"`
	Dim        int               `json:"dim"`
	Labels     []int             `json:"labels"`
	DType      string            `json:"dtype"`
	Sections   []sectionInfo     `json:"sections"`
	Meta       map[string]string `json:"meta,omitempty"`
	Preprocess Preprocess        `json:"preprocess"`
	// Multichannel networks only.
	Shape      []int     `json:"shape,omitempty"`
	InChannels int       `json:"in_channels,omitempty"`
	Channels   int       `json:"channels,omitempty"`
	Lift       *liftInfo `json:"lift,omitempty"`
}

// Save writes the model to path atomically: to a temporary file in the same
// directory, synced, then renamed over path, so that a failure (a full disk,
// an interrupt) never leaves a partial or damaged file at path.
func (m *Model) Save(path string, opt SaveOptions) error {
	if err := atomicfile.Write(path, func(w io.Writer) error { return m.Write(w, opt) }); err != nil {
		return fmt.Errorf("redunet: saving model: %w", err)
	}
	return nil
}

// Write writes the model in the model file format to w.
func (m *Model) Write(w io.Writer, opt SaveOptions) error {
	h, arrays, err := m.encode()
	if err != nil {
		return err
	}
	if opt.Float32 {
		h.DType = "float32"
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return err
	}
	sum := sha256.New()
	bw := bufio.NewWriterSize(io.MultiWriter(w, sum), 1<<20)
	bw.Write(modelMagic[:])
	var b8 [8]byte
	binary.LittleEndian.PutUint32(b8[:4], ModelVersion)
	binary.LittleEndian.PutUint32(b8[4:], uint32(len(hj)))
	bw.Write(b8[:])
	bw.Write(hj)
	for _, a := range arrays {
		for _, v := range a {
			if opt.Float32 {
				binary.LittleEndian.PutUint32(b8[:4], math.Float32bits(float32(v)))
				bw.Write(b8[:4])
			} else {
				binary.LittleEndian.PutUint64(b8[:], math.Float64bits(v))
				bw.Write(b8[:])
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	_, err = w.Write(sum.Sum(nil))
	return err
}

// encode returns the header and the arrays of the model's sections.
func (m *Model) encode() (*modelHeader, [][]float64, error) {
	h := &modelHeader{Arch: m.Arch, Classes: m.Classes, InputShape: m.InputShape, DType: "float64", Meta: m.Meta, Preprocess: m.Preprocess}
	var arrays [][]float64
	add := func(name string, a []float64) {
		arrays = append(arrays, a)
		h.Sections = append(h.Sections, sectionInfo{Name: name, Count: len(a)})
	}
	switch {
	case m.Arch == "vector" && m.Vector != nil:
		n := m.Vector
		if len(n.Labels) == 0 || n.Final == nil || len(n.Layers) != n.Params.Layers {
			return nil, nil, errors.New("redunet: the network was built without BuildOptions.Keep; it cannot be saved")
		}
		h.Params, h.Dim, h.Labels = n.Params, n.D, n.Labels
		for i, l := range n.Layers {
			add(fmt.Sprintf("layer%d/input", i+1), l.src)
		}
		add("output", n.Final)
	case (m.Arch == "conv1d" || m.Arch == "conv2d") && m.Multi != nil:
		n := m.Multi
		if len(n.Labels) == 0 || n.TrainX == nil {
			return nil, nil, errors.New("redunet: the network was built without BuildOptions.Keep; it cannot be saved")
		}
		if len(n.Shape) != map[string]int{"conv1d": 1, "conv2d": 2}[m.Arch] {
			return nil, nil, fmt.Errorf("redunet: architecture %s with signals of shape %v", m.Arch, n.Shape)
		}
		h.Params, h.Labels = n.Params, n.Labels
		h.Shape, h.InChannels, h.Channels = n.Shape, n.InChannels, n.C
		h.Dim = n.C * signalSize(n.Shape)
		if n.Lift != nil {
			h.Lift = &liftInfo{In: n.Lift.In, Out: n.Lift.Out, K: n.Lift.K, Dims: n.Lift.Dims}
			add("lift/kernels", n.Lift.Kernels)
		}
		add("train_input", n.TrainX)
	default:
		return nil, nil, fmt.Errorf("redunet: cannot save a model of architecture %q", m.Arch)
	}
	return h, arrays, nil
}

// LoadModel reads a model file written by Save, checking its magic number,
// version, checksum and every size before trusting it, and rebuilds the
// network's operators. Errors name the file.
func LoadModel(path string) (*Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("redunet: %w", err)
	}
	m, err := ReadModel(data)
	if err != nil {
		return nil, fmt.Errorf("redunet: model %s: %w", path, err)
	}
	return m, nil
}

// ReadModel decodes a model from the bytes of a model file (see LoadModel).
func ReadModel(data []byte) (*Model, error) {
	if len(data) < 16 || !bytes.Equal(data[:8], modelMagic[:]) {
		return nil, errors.New("not a ReduNet model file (bad magic number)")
	}
	version := binary.LittleEndian.Uint32(data[8:12])
	if version != ModelVersion {
		return nil, fmt.Errorf("model file format version %d; this program reads version %d", version, ModelVersion)
	}
	if len(data) < 16+sha256.Size {
		return nil, fmt.Errorf("truncated: %d bytes: %w", len(data), io.ErrUnexpectedEOF)
	}
	body, sum := data[:len(data)-sha256.Size], data[len(data)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return nil, errors.New("checksum mismatch: the file is truncated or corrupt")
	}
	hlen := int(binary.LittleEndian.Uint32(data[12:16]))
	if hlen > maxHeader || 16+hlen > len(body) {
		return nil, fmt.Errorf("header length %d does not fit the file", hlen)
	}
	var h modelHeader
	if err := json.Unmarshal(body[16:16+hlen], &h); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if err := h.Params.Validate(); err != nil {
		return nil, err
	}
	size := 8
	switch h.DType {
	case "float64":
	case "float32":
		size = 4
	default:
		return nil, fmt.Errorf("unknown element type %q", h.DType)
	}
	k := len(h.Classes)
	m, d := len(h.Labels), h.Dim
	if d <= 0 || m == 0 || k == 0 || d > 1<<30 || m > 1<<30 {
		return nil, fmt.Errorf("header: dim %d, %d labels, %d classes", d, m, k)
	}
	// The sections each architecture has, with their sizes.
	var want []sectionInfo
	var lift *conv.Lift
	switch h.Arch {
	case "vector":
		for i := 0; i < h.Params.Layers; i++ {
			want = append(want, sectionInfo{fmt.Sprintf("layer%d/input", i+1), m * d})
		}
	case "conv1d", "conv2d":
		dims := map[string]int{"conv1d": 1, "conv2d": 2}[h.Arch]
		if len(h.Shape) != dims {
			return nil, fmt.Errorf("header: %s with signal shape %v", h.Arch, h.Shape)
		}
		if h.Lift != nil {
			l := h.Lift
			if l.In != h.InChannels || l.Out != h.Channels || l.Dims != dims || l.K < 1 || l.K > 1<<10 {
				return nil, fmt.Errorf("header: lift %+v for %d→%d channels, %d-D", *l, h.InChannels, h.Channels, dims)
			}
			lift = &conv.Lift{In: l.In, Out: l.Out, K: l.K, Dims: l.Dims}
			n := l.Out * l.In
			for i := 0; i < dims; i++ {
				n *= l.K
			}
			want = append(want, sectionInfo{"lift/kernels", n})
		} else if h.InChannels != h.Channels {
			return nil, fmt.Errorf("header: %d input channels and %d channels without a lift", h.InChannels, h.Channels)
		}
		if c := h.Channels; c < 1 || h.InChannels < 1 || slices.Min(h.Shape) < 1 || d != c*signalSize(h.Shape) {
			return nil, fmt.Errorf("header: dim %d for %d channels of shape %v", d, c, h.Shape)
		}
		want = append(want, sectionInfo{"train_input", m * h.InChannels * signalSize(h.Shape)})
	default:
		return nil, fmt.Errorf("unknown architecture %q", h.Arch)
	}
	if h.Arch == "vector" {
		want = append(want, sectionInfo{"output", m * d})
	}
	if len(h.Sections) != len(want) {
		return nil, fmt.Errorf("header: %d sections, want %d", len(h.Sections), len(want))
	}
	payload := body[16+hlen:]
	total := 0
	for i, s := range h.Sections {
		if s != want[i] {
			return nil, fmt.Errorf("header: section %q of %d values, want %q of %d", s.Name, s.Count, want[i].Name, want[i].Count)
		}
		total += s.Count
	}
	if len(payload) != total*size {
		return nil, fmt.Errorf("payload is %d bytes, want %d", len(payload), total*size)
	}
	arrays := make([][]float64, len(h.Sections))
	for i, s := range h.Sections {
		a := make([]float64, s.Count)
		for j := range a {
			if size == 8 {
				a[j] = math.Float64frombits(binary.LittleEndian.Uint64(payload[:8]))
			} else {
				a[j] = float64(math.Float32frombits(binary.LittleEndian.Uint32(payload[:4])))
			}
			payload = payload[size:]
		}
		arrays[i] = a
	}
	for _, a := range arrays {
		if err := checkData(a, len(a), []int{0}, 1, false); err != nil && len(a) > 0 {
			return nil, err
		}
	}
	last := arrays[len(arrays)-1]
	if err := checkData(last, len(last)/m, h.Labels, k, true); err != nil {
		return nil, err
	}
	model := &Model{Arch: h.Arch, Classes: h.Classes, InputShape: h.InputShape, Meta: h.Meta, Preprocess: h.Preprocess, Version: int(version), DType: h.DType}
	if h.Arch == "vector" {
		net, err := rebuildVector(h.Params, d, k, h.Labels, arrays)
		if err != nil {
			return nil, err
		}
		model.Vector = net
		return model, nil
	}
	if lift != nil {
		lift.Kernels, arrays = arrays[0], arrays[1:]
	}
	net, err := NewMultiNet(h.InChannels, h.Shape, k, lift, h.Params)
	if err != nil {
		return nil, err
	}
	net.TrainX, net.Labels = arrays[0], h.Labels
	if net.TrainInput, err = net.prepare(net.TrainX); err != nil {
		return nil, err
	}
	model.Multi = net
	return model, nil
}

// rebuildVector rebuilds the layers of a vector net from the training
// features at the input of each layer.
func rebuildVector(p Params, d, k int, labels []int, arrays [][]float64) (*VectorNet, error) {
	rows := classRows(labels, k)
	counts := classCounts(labels, k)
	n := &VectorNet{Params: p, D: d, K: k, Labels: labels, Final: arrays[len(arrays)-1]}
	for _, z := range arrays[:len(arrays)-1] {
		st, err := analyseVector(z, d, rows, p.EpsSq)
		if err != nil {
			return nil, err
		}
		n.Layers = append(n.Layers, newVectorLayer(st, d, counts, z))
	}
	return n, nil
}
