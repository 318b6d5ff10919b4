package redunet

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

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
	Arch    string   `json:"arch"` // informative: the shape decides
	Params  Params   `json:"params"`
	Classes []string `json:"classes"`
	// ClassesHex holds the class names' bytes in hex when one of them is
	// not valid UTF-8 (JSON strings cannot hold such bytes; Classes then
	// has them with invalid bytes replaced, for display).
	ClassesHex []string          `json:"classes_hex,omitempty"`
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
	if err := m.validate(); err != nil {
		return fmt.Errorf("redunet: the model cannot be saved: %w", err)
	}
	h := &modelHeader{Arch: n.Arch(), Params: n.Params, Classes: m.Classes, InputShape: m.InputShape, Dim: n.FeatureLen(),
		Labels: n.Labels, DType: "float64", Meta: m.Meta, Preprocess: m.Preprocess,
		Shape: slices.Clone([]int(n.Shape)), InChannels: n.InChannels, Channels: n.C}
	if h.Shape == nil {
		h.Shape = []int{}
	}
	if slices.ContainsFunc(m.Classes, func(c string) bool { return !utf8.ValidString(c) }) {
		h.Classes = make([]string, len(m.Classes))
		h.ClassesHex = make([]string, len(m.Classes))
		for j, c := range m.Classes {
			h.Classes[j] = strings.ToValidUTF8(c, "\uFFFD")
			h.ClassesHex[j] = hex.EncodeToString([]byte(c))
		}
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
		for i, a := range arrays {
			if j := slices.IndexFunc(a, func(v float64) bool { return math.Abs(v) > math.MaxFloat32 }); j >= 0 {
				return fmt.Errorf("redunet: the model cannot be saved in float32: value %d of %q, %g, is beyond its range", j, h.Sections[i].Name, a[j])
			}
		}
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if len(hj) > maxHeader {
		return fmt.Errorf("redunet: the model cannot be saved: a %d-byte header, beyond the %d a reader accepts", len(hj), maxHeader)
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
// number, version and header first, every size and field of the header
// checked against the others and against the file before anything is
// allocated for the arrays, then the arrays and the checksum; nothing may
// follow it. Nothing is computed from the arrays but their checks (the
// net is prepared when it is first applied), so reading costs time and
// memory in proportion to the file.
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
	h, err := parseHeader(hb)
	if err != nil {
		return nil, err
	}
	elem := int64(8)
	switch h.DType {
	case "float64":
	case "float32":
		elem = 4
	default:
		return nil, FormatError(fmt.Sprintf("header: dtype %q, want \"float64\" or \"float32\"", h.DType))
	}
	net, want, err := h.net(version)
	if err != nil {
		return nil, err
	}
	if len(h.Sections) != len(want) {
		return nil, FormatError(fmt.Sprintf("header: sections: %d, want %d", len(h.Sections), len(want)))
	}
	total := int64(0)
	for i, s := range h.Sections {
		if s.Name != want[i].Name || s.Count != want[i].Count {
			return nil, FormatError(fmt.Sprintf("header: sections[%d]: %q of %d values, want %q of %d", i, s.Name, s.Count, want[i].Name, want[i].Count))
		}
		if total += int64(s.Count); total > maxValues {
			return nil, FormatError(fmt.Sprintf("header: sections: more than %d values", int64(maxValues)))
		}
	}
	fileSize := 16 + hlen + total*elem + sha256.Size
	switch {
	case size >= 0 && size < fileSize:
		return nil, fmt.Errorf("truncated: the header declares %d bytes, the file has %d: %w", fileSize, size, io.ErrUnexpectedEOF)
	case size > fileSize:
		return nil, FormatError(fmt.Sprintf("%d bytes after the checksum", size-fileSize))
	}
	arrays := make([][]float64, len(h.Sections))
	buf := make([]byte, min(total*elem, 1<<16))
	for i, s := range h.Sections {
		// With the size known the declared counts are in the file; without
		// it the arrays grow with what is read, never by what is declared.
		var a []float64
		if size >= 0 {
			a = make([]float64, 0, s.Count)
		}
		for len(a) < s.Count {
			cnt := min(s.Count-len(a), len(buf)/int(elem))
			b := buf[:int64(cnt)*elem]
			if err := readFull(hr, b, "arrays"); err != nil {
				return nil, err
			}
			for j := 0; j < cnt; j++ {
				if elem == 8 {
					a = append(a, math.Float64frombits(binary.LittleEndian.Uint64(b[8*j:])))
				} else {
					a = append(a, float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*j:]))))
				}
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
	if n, _ := r.Read(sum[:1]); n != 0 {
		return nil, FormatError("data after the checksum")
	}
	return h.model(net, version, arrays)
}

// Bounds on what a model file may declare, beyond those of the file's
// size: the number of layers (each is rebuilt when the model is applied),
// the rank of the signal shape, samples, classes and channels.
const (
	maxModelLayers = 1 << 20
	maxSignalRank  = 16
	maxSamples     = 1 << 30
	maxClasses     = 1 << 20
	maxChannels    = 1 << 20
	maxLiftWeights = 1 << 31 // as conv.Lift allows
)

// parseHeader decodes the JSON header, refusing a key given twice.
func parseHeader(hb []byte) (*modelHeader, error) {
	h := new(modelHeader)
	if err := json.Unmarshal(hb, h); err != nil {
		return nil, FormatError("header: " + bare(err))
	}
	if err := checkKeys(hb); err != nil {
		return nil, FormatError("header: " + err.Error())
	}
	return h, nil
}

// checkKeys reports a key that appears twice in an object of the JSON text
// data, which encoding/json resolves silently (the last one wins). The
// keys of the header's structs are compared as encoding/json matches them
// to fields, case-folded; those of the free-form "meta" map exactly. data
// must be valid JSON (json.Unmarshal accepted it): this is a scan of its
// bytes that decodes nothing but the keys, so that long label lists cost
// little.
func checkKeys(data []byte) error {
	type frame struct {
		obj, fold bool
		path      string
		keys      []string // as compared
		last      string   // the last key, as given
	}
	var stack []frame
	expectKey := false
	for i := 0; i < len(data); i++ {
		switch ch := data[i]; ch {
		case '{', '[':
			f := frame{obj: ch == '{', fold: true}
			if len(stack) > 0 {
				p := &stack[len(stack)-1]
				f.fold = p.fold
				f.path = p.path + "[]"
				if p.obj {
					f.path = p.last
					if p.path != "" {
						f.path = p.path + "." + p.last
					}
					if len(stack) == 1 && foldKey(p.last) == "META" {
						f.fold = false
					}
				}
			}
			stack = append(stack, f)
			expectKey = f.obj
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			expectKey = false
		case ',':
			expectKey = len(stack) > 0 && stack[len(stack)-1].obj
		case '"':
			j := i + 1
			for j < len(data) && data[j] != '"' {
				if data[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(data) {
				return errors.New("unterminated string")
			}
			if expectKey && len(stack) > 0 {
				f := &stack[len(stack)-1]
				key := decodeKey(data[i : j+1])
				id := key
				if f.fold {
					id = foldKey(key)
				}
				if slices.Contains(f.keys, id) {
					if f.path != "" {
						key = f.path + "." + key
					}
					return fmt.Errorf("the key %q is given twice", key)
				}
				f.keys = append(f.keys, id)
				f.last = key
				expectKey = false
			}
			i = j
		}
	}
	return nil
}

// decodeKey returns the string of a JSON string literal as encoding/json
// decodes it (escapes resolved, invalid UTF-8 replaced).
func decodeKey(lit []byte) string {
	plain := true
	for _, b := range lit[1 : len(lit)-1] {
		if b == '\\' || b >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		return string(lit[1 : len(lit)-1])
	}
	var s string
	json.Unmarshal(lit, &s)
	return s
}

// foldKey folds a key as encoding/json does to match it to a field: ASCII
// letters to upper case, every other rune to the smallest of its simple
// case-folding orbit.
func foldKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'a' <= r && r <= 'z' {
			r -= 'a' - 'A'
		} else if r >= utf8.RuneSelf {
			for {
				r2 := unicode.SimpleFold(r)
				if r2 <= r {
					r = r2
					break
				}
				r = r2
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// net checks the header's description of the net against itself and
// returns the net (without its arrays, not yet checked as a whole: see
// Model.validate) and the sections it needs.
func (h *modelHeader) net(version uint32) (*Net, []sectionInfo, error) {
	if err := h.Params.Validate(); err != nil {
		return nil, nil, FormatError("header: params: " + bare(err))
	}
	if h.Params.Layers > maxModelLayers {
		return nil, nil, FormatError(fmt.Sprintf("header: params: %d layers, at most %d", h.Params.Layers, maxModelLayers))
	}
	if h.ClassesHex != nil {
		if len(h.ClassesHex) != len(h.Classes) {
			return nil, nil, FormatError(fmt.Sprintf("header: classes_hex: %d names for %d classes", len(h.ClassesHex), len(h.Classes)))
		}
		for j, x := range h.ClassesHex {
			b, err := hex.DecodeString(x)
			if err != nil {
				return nil, nil, FormatError(fmt.Sprintf("header: classes_hex[%d]: %v", j, err))
			}
			h.Classes[j] = string(b)
		}
	}
	k, m := len(h.Classes), len(h.Labels)
	switch {
	case m == 0 || m > maxSamples:
		return nil, nil, FormatError(fmt.Sprintf("header: labels: %d, want 1 to %d", m, maxSamples))
	case k == 0 || k > maxClasses:
		return nil, nil, FormatError(fmt.Sprintf("header: classes: %d, want 1 to %d", k, maxClasses))
	case k > m:
		return nil, nil, FormatError(fmt.Sprintf("header: classes: %d classes for %d labels: a class has no training samples", k, m))
	}
	if version == 1 && h.Arch == "vector" {
		// Version 1 vector models: dim values per sample, every layer's input.
		if h.Dim < 1 || h.Dim > 1<<30 {
			return nil, nil, FormatError(fmt.Sprintf("header: dim %d, want 1 to %d", h.Dim, 1<<30))
		}
		count, ok := mulBounded(m, h.Dim)
		if !ok {
			return nil, nil, FormatError(fmt.Sprintf("header: %d labels of dim %d: more than %d values", m, h.Dim, int64(maxValues)))
		}
		if len(h.Sections) != h.Params.Layers+1 {
			return nil, nil, FormatError(fmt.Sprintf("header: sections: %d, want %d (every layer's input and the output)", len(h.Sections), h.Params.Layers+1))
		}
		h.Shape, h.InChannels, h.Channels = []int{}, h.Dim, h.Dim
		var want []sectionInfo
		for i := 0; i < h.Params.Layers; i++ {
			want = append(want, sectionInfo{fmt.Sprintf("layer%d/input", i+1), count})
		}
		net := &Net{Params: h.Params, Shape: fft.Shape{}, InChannels: h.Dim, C: h.Dim, K: k}
		return net, append(want, sectionInfo{"output", count}), nil
	}
	if h.Shape == nil {
		h.Shape = []int{}
	}
	shape := fft.Shape(h.Shape)
	if len(shape) > maxSignalRank {
		return nil, nil, FormatError(fmt.Sprintf("header: shape: %d axes, at most %d", len(shape), maxSignalRank))
	}
	if err := shape.Validate(); err != nil {
		return nil, nil, FormatError("header: " + strings.TrimPrefix(err.Error(), "fft: "))
	}
	if h.InChannels < 1 || h.Channels < 1 || h.InChannels > maxChannels || h.Channels > maxChannels {
		return nil, nil, FormatError(fmt.Sprintf("header: in_channels %d, channels %d, want 1 to %d", h.InChannels, h.Channels, maxChannels))
	}
	per, ok := mulBounded(h.InChannels, shape.Len())
	if !ok {
		return nil, nil, FormatError(fmt.Sprintf("header: in_channels %d × shape %v: more than %d values", h.InChannels, h.Shape, int64(maxValues)))
	}
	total, ok := mulBounded(per, m)
	if !ok {
		return nil, nil, FormatError(fmt.Sprintf("header: %d labels of %d values: more than %d values", m, per, int64(maxValues)))
	}
	var want []sectionInfo
	var lift *conv.Lift
	if l := h.Lift; l != nil {
		if l.In != h.InChannels || l.Out != h.Channels || l.Dims != len(shape) || l.K < 1 || l.K > 1<<10 {
			return nil, nil, FormatError(fmt.Sprintf("header: lift %+v for in_channels %d, channels %d, a %d-D shape", *l, h.InChannels, h.Channels, len(shape)))
		}
		for _, v := range shape {
			if l.K > v {
				return nil, nil, FormatError(fmt.Sprintf("header: lift: kernel size %d exceeds the shape %v", l.K, h.Shape))
			}
		}
		n, ok := mulBounded(l.Out, l.In)
		for i := 0; i < l.Dims && ok; i++ {
			n, ok = mulBounded(n, l.K)
		}
		if !ok || n > maxLiftWeights {
			return nil, nil, FormatError(fmt.Sprintf("header: lift %+v: more than %d weights", *l, maxLiftWeights))
		}
		lift = &conv.Lift{In: l.In, Out: l.Out, K: l.K, Dims: l.Dims}
		want = append(want, sectionInfo{"lift/kernels", n})
	} else if h.InChannels != h.Channels {
		return nil, nil, FormatError(fmt.Sprintf("header: in_channels %d and channels %d without a lift", h.InChannels, h.Channels))
	}
	net := &Net{Params: h.Params, Shape: slices.Clone(shape), InChannels: h.InChannels, C: h.Channels, K: k, Lift: lift}
	if version >= 2 {
		if h.Dim != net.FeatureLen() {
			return nil, nil, FormatError(fmt.Sprintf("header: dim %d, want channels × shape = %d", h.Dim, net.FeatureLen()))
		}
		if h.Arch != net.Arch() {
			return nil, nil, FormatError(fmt.Sprintf("header: arch %q for a net of shape %v, which is %q", h.Arch, h.Shape, net.Arch()))
		}
	}
	return net, append(want, sectionInfo{"train_input", total}), nil
}

// bare is an error's message without the package prefix, for wrapping in
// a message that carries it.
func bare(err error) string { return strings.TrimPrefix(err.Error(), "redunet: ") }

// mulBounded returns a·b and true if both are non-negative and the product
// is at most maxValues (it cannot overflow: b ≤ maxValues/a is tested by
// division); else 0 and false.
func mulBounded(a, b int) (int, bool) {
	if a < 0 || b < 0 || (a > 0 && b > maxValues/a) {
		return 0, false
	}
	return a * b, true
}

// model assembles the model from the header, the net and the arrays and
// checks it as a whole (Model.Validate).
func (h *modelHeader) model(net *Net, version uint32, arrays [][]float64) (*Model, error) {
	for i, a := range arrays {
		if err := checkFinite(a, 1); err != nil {
			return nil, FormatError(fmt.Sprintf("section %q: value %d is not finite", h.Sections[i].Name, slices.IndexFunc(a, notFinite)))
		}
	}
	if version == 1 && h.Arch == "vector" {
		// The first layer's input is the normalised training input.
		arrays = arrays[:1]
	}
	if net.Lift != nil {
		net.Lift.Kernels, arrays = arrays[0], arrays[1:]
	}
	net.TrainX, net.Labels = arrays[0], h.Labels
	m := &Model{Classes: h.Classes, InputShape: h.InputShape, Meta: h.Meta, Preprocess: h.Preprocess,
		Version: int(version), DType: h.DType, Net: net}
	if err := m.validate(); err != nil {
		return nil, FormatError(err.Error())
	}
	return m, nil
}

func notFinite(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
