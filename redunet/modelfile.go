package redunet

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/redunet-go/redunet/conv"
	"github.com/redunet-go/redunet/fft"
)

// The model file format, version 2. All integers and floats little-endian.
//
//	magic    8 bytes  "REDUNET\n"
//	version  uint32   ModelVersion
//	hlen     uint32   length of the header
//	header   hlen bytes of JSON (modelHeader): parameters, class names,
//	         input shape, signal shape and channels, lift, preprocessing,
//	         training labels, and the list of sections that follow with
//	         their lengths and element type
//	sections the arrays named in the header, float64 or float32:
//	         "lift/kernels" (if the net has a lift) and "train_input"
//	checksum 32 bytes SHA-256 of everything before it
//
// Every kind of net is stored the same way: its lift kernels and its
// training input as given, with the training labels. Every operator of a
// layer is a deterministic function of the layer's input training features
// and the labels, so the layers are rebuilt exactly, one at a time, when the
// net is applied (see Net), and the file is a small fraction of the layers'
// operators (10 MNIST images per class with 75 9×9 kernels: 0.7 MB).
//
// Version 1 files are read too: their shift-invariant models have the same
// layout; their vector models stored the training features at the input of
// every layer and after the last, of which the first (the normalised
// training input) is taken as the training input.

// ModelVersion is the version of the model file format this package writes.
// It reads this version and version 1.
const ModelVersion = 2

var modelMagic = [8]byte{'R', 'E', 'D', 'U', 'N', 'E', 'T', '\n'}

// maxHeader bounds the header size accepted when reading (labels of a
// million samples fit comfortably).
const maxHeader = 64 << 20

// maxValues bounds the number of values of a section accepted when reading.
const maxValues = 1 << 40

// ErrChecksum is returned (wrapped) when a model file's checksum does not
// match its contents: the file is truncated or corrupt.
var ErrChecksum = errors.New("checksum mismatch: the file is truncated or corrupt")

// FormatError reports that the input is not a valid model file.
type FormatError string

func (e FormatError) Error() string { return "invalid model file: " + string(e) }

// VersionError reports a model file of a format version this package does
// not read.
type VersionError struct{ Version uint32 }

func (e *VersionError) Error() string {
	return fmt.Sprintf("model file format version %d; this program reads versions 1 and %d", e.Version, ModelVersion)
}

// liftInfo describes a lift in the header; its kernels are a section.
type liftInfo struct {
	In   int `json:"in"`
	Out  int `json:"out"`
	K    int `json:"k"`
	Dims int `json:"dims"`
}

type sectionInfo struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

type modelHeader struct {
	Arch       string            `json:"arch"` // informative: the shape decides
	Params     Params            `json:"params"`
	Classes    []string          `json:"classes"`
	InputShape []int             `json:"input_shape"`
	Dim        int               `json:"dim"` // values of one feature vector
	Labels     []int             `json:"labels"`
	DType      string            `json:"dtype"`
	Sections   []sectionInfo     `json:"sections"`
	Meta       map[string]string `json:"meta,omitempty"`
	Preprocess Preprocess        `json:"preprocess"`
	Shape      []int             `json:"shape"`
	InChannels int               `json:"in_channels"`
	Channels   int               `json:"channels"`
	Lift       *liftInfo         `json:"lift,omitempty"`
}

// Write writes the model in the model file format to w.
func (m *Model) Write(w io.Writer, opt SaveOptions) error {
	n := m.Net
	if n == nil || len(n.Labels) == 0 || n.TrainX == nil {
		return errors.New("redunet: the network was built without BuildOptions.Keep; it cannot be saved")
	}
	h := &modelHeader{Arch: n.Arch(), Params: n.Params, Classes: m.Classes, InputShape: m.InputShape, Dim: n.FeatureLen(),
		Labels: n.Labels, DType: "float64", Meta: m.Meta, Preprocess: m.Preprocess,
		Shape: slices.Clone([]int(n.Shape)), InChannels: n.InChannels, Channels: n.C}
	if h.Shape == nil {
		h.Shape = []int{}
	}
	var arrays [][]float64
	add := func(name string, a []float64) {
		arrays = append(arrays, a)
		h.Sections = append(h.Sections, sectionInfo{Name: name, Count: len(a)})
	}
	if l := n.Lift; l != nil {
		h.Lift = &liftInfo{In: l.In, Out: l.Out, K: l.K, Dims: l.Dims}
		add("lift/kernels", l.Kernels)
	}
	add("train_input", n.TrainX)
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

// hashReader hashes what it reads.
type hashReader struct {
	r io.Reader
	h hash.Hash
}

func (r *hashReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.h.Write(p[:n])
	return n, err
}

// readFull reads len(p) bytes, reporting a short read as a truncation.
func readFull(r io.Reader, p []byte, what string) error {
	if _, err := io.ReadFull(r, p); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("truncated in the %s: %w", what, io.ErrUnexpectedEOF)
		}
		return err
	}
	return nil
}

// readModel decodes a model of size bytes (−1: unknown) from r: the magic
// number, version and header first, every size checked against the file
// before anything is allocated for the arrays, then the arrays and the
// checksum; nothing may follow it.
func readModel(r io.Reader, size int64) (*Model, error) {
	hr := &hashReader{r: r, h: sha256.New()}
	var pre [16]byte
	if _, err := io.ReadFull(hr, pre[:8]); err != nil || [8]byte(pre[:8]) != modelMagic {
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, err
		}
		return nil, FormatError("bad magic number: not a ReduNet model")
	}
	if err := readFull(hr, pre[8:], "preamble"); err != nil {
		return nil, err
	}
	version := binary.LittleEndian.Uint32(pre[8:12])
	if version != 1 && version != ModelVersion {
		return nil, &VersionError{Version: version}
	}
	hlen := int64(binary.LittleEndian.Uint32(pre[12:16]))
	if hlen > maxHeader {
		return nil, FormatError(fmt.Sprintf("header length %d exceeds %d", hlen, maxHeader))
	}
	if size >= 0 && 16+hlen+sha256.Size > size {
		return nil, fmt.Errorf("truncated: a %d-byte header in a %d-byte file: %w", hlen, size, io.ErrUnexpectedEOF)
	}
	hb := make([]byte, hlen)
	if err := readFull(hr, hb, "header"); err != nil {
		return nil, err
	}
	var h modelHeader
	if err := json.Unmarshal(hb, &h); err != nil {
		return nil, FormatError("header: " + bare(err))
	}
	elem := int64(8)
	switch h.DType {
	case "float64":
	case "float32":
		elem = 4
	default:
		return nil, FormatError(fmt.Sprintf("unknown element type %q", h.DType))
	}
	net, want, err := h.net(version)
	if err != nil {
		return nil, err
	}
	if len(h.Sections) != len(want) {
		return nil, FormatError(fmt.Sprintf("header: %d sections, want %d", len(h.Sections), len(want)))
	}
	total := int64(0)
	for i, s := range h.Sections {
		if s.Name != want[i].Name || (want[i].Count >= 0 && s.Count != want[i].Count) || s.Count < 0 || s.Count > maxValues {
			return nil, FormatError(fmt.Sprintf("header: section %q of %d values, want %q of %d", s.Name, s.Count, want[i].Name, want[i].Count))
		}
		total += int64(s.Count)
	}
	fileSize := 16 + hlen + total*elem + sha256.Size
	switch {
	case total > maxValues:
		return nil, FormatError(fmt.Sprintf("the header declares %d values", total))
	case size >= 0 && size < fileSize:
		return nil, fmt.Errorf("truncated: the header declares %d bytes, the file has %d: %w", fileSize, size, io.ErrUnexpectedEOF)
	case size > fileSize:
		return nil, FormatError(fmt.Sprintf("%d bytes after the checksum", size-fileSize))
	}
	br := bufio.NewReaderSize(io.LimitReader(hr, total*elem), 1<<20)
	arrays := make([][]float64, len(h.Sections))
	var b8 [8]byte
	for i, s := range h.Sections {
		a := make([]float64, s.Count)
		for j := range a {
			if err := readFull(br, b8[:elem], "arrays"); err != nil {
				return nil, err
			}
			if elem == 8 {
				a[j] = math.Float64frombits(binary.LittleEndian.Uint64(b8[:]))
			} else {
				a[j] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b8[:4])))
			}
		}
		arrays[i] = a
	}
	got := hr.h.Sum(nil)
	var sum [sha256.Size]byte
	if err := readFull(r, sum[:], "checksum"); err != nil {
		return nil, err
	}
	if [sha256.Size]byte(got) != sum {
		return nil, ErrChecksum
	}
	if n, _ := r.Read(b8[:1]); n != 0 {
		return nil, FormatError("data after the checksum")
	}
	return h.model(net, version, arrays)
}

// net checks the header's description of the net and returns the net
// (without its arrays) and the sections it needs (a count of −1: any,
// checked once the arrays are read).
func (h *modelHeader) net(version uint32) (*Net, []sectionInfo, error) {
	if err := h.Params.Validate(); err != nil {
		return nil, nil, FormatError("header: " + bare(err))
	}
	k, m := len(h.Classes), len(h.Labels)
	if k == 0 || m == 0 || m > 1<<30 || k > 1<<20 {
		return nil, nil, FormatError(fmt.Sprintf("header: %d labels, %d classes", m, k))
	}
	if version == 1 && h.Arch == "vector" {
		// Version 1 vector models: dim values per sample, every layer's input.
		if h.Dim < 1 || h.Dim > 1<<30 {
			return nil, nil, FormatError(fmt.Sprintf("header: dim %d", h.Dim))
		}
		h.Shape, h.InChannels, h.Channels = []int{}, h.Dim, h.Dim
		var want []sectionInfo
		for i := 0; i < h.Params.Layers; i++ {
			want = append(want, sectionInfo{fmt.Sprintf("layer%d/input", i+1), m * h.Dim})
		}
		return nil, append(want, sectionInfo{"output", m * h.Dim}), nil
	}
	shape := fft.Shape(h.Shape)
	if err := shape.Validate(); err != nil {
		return nil, nil, FormatError(fmt.Sprintf("header: signal shape %v: %s", h.Shape, bare(err)))
	}
	if h.InChannels < 1 || h.Channels < 1 || h.InChannels > 1<<20 || h.Channels > 1<<20 {
		return nil, nil, FormatError(fmt.Sprintf("header: %d input channels, %d channels", h.InChannels, h.Channels))
	}
	per, ok := mulBounded(h.InChannels, shape.Len())
	if !ok {
		return nil, nil, FormatError(fmt.Sprintf("header: %d channels of shape %v", h.InChannels, h.Shape))
	}
	total, ok := mulBounded(per, m)
	if !ok {
		return nil, nil, FormatError(fmt.Sprintf("header: %d samples of %d values", m, per))
	}
	var want []sectionInfo
	var lift *conv.Lift
	if l := h.Lift; l != nil {
		if l.In != h.InChannels || l.Out != h.Channels || l.Dims != len(shape) || l.K < 1 || l.K > 1<<10 {
			return nil, nil, FormatError(fmt.Sprintf("header: lift %+v for %d→%d channels, %d-D", *l, h.InChannels, h.Channels, len(shape)))
		}
		n, ok := mulBounded(l.Out, l.In)
		for i := 0; i < l.Dims && ok; i++ {
			n, ok = mulBounded(n, l.K)
		}
		if !ok {
			return nil, nil, FormatError(fmt.Sprintf("header: lift %+v", *l))
		}
		lift = &conv.Lift{In: l.In, Out: l.Out, K: l.K, Dims: l.Dims}
		want = append(want, sectionInfo{"lift/kernels", n})
	} else if h.InChannels != h.Channels {
		return nil, nil, FormatError(fmt.Sprintf("header: %d input channels and %d channels without a lift", h.InChannels, h.Channels))
	}
	net, err := NewNet(h.InChannels, shape, k, lift, h.Params)
	if err != nil {
		return nil, nil, FormatError("header: " + bare(err))
	}
	return net, append(want, sectionInfo{"train_input", total}), nil
}

// bare is an error's message without the package prefix, for wrapping in
// a message that carries it.
func bare(err error) string { return strings.TrimPrefix(err.Error(), "redunet: ") }

// mulBounded returns a·b if it is at most maxValues.
func mulBounded(a, b int) (int, bool) {
	if a < 0 || b < 0 || (a > 0 && b > maxValues/a) {
		return 0, false
	}
	return a * b, true
}

// model assembles the model from the header, the net and the arrays.
func (h *modelHeader) model(net *Net, version uint32, arrays [][]float64) (*Model, error) {
	for i, a := range arrays {
		if err := checkFinite(a, 1); err != nil {
			return nil, FormatError(fmt.Sprintf("section %q: %s", h.Sections[i].Name, bare(err)))
		}
	}
	if net == nil { // version 1 vector: the first layer's input is the normalised training input
		var err error
		if net, err = NewVectorNet(h.Dim, len(h.Classes), h.Params); err != nil {
			return nil, FormatError("header: " + bare(err))
		}
		arrays = arrays[:1]
	}
	if net.Lift != nil {
		net.Lift.Kernels, arrays = arrays[0], arrays[1:]
	}
	net.TrainX, net.Labels = arrays[0], h.Labels
	if err := net.checkLabelled(net.TrainX, net.Labels); err != nil {
		return nil, FormatError(bare(err))
	}
	var err error
	if net.TrainInput, err = net.prepare(net.TrainX); err != nil {
		return nil, FormatError(bare(err))
	}
	return &Model{Classes: h.Classes, InputShape: h.InputShape, Meta: h.Meta, Preprocess: h.Preprocess,
		Version: int(version), DType: h.DType, Net: net}, nil
}
