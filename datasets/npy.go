package datasets

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/redunet-go/redunet/internal/atomicfile"
)

// npyMagic starts every .npy file.
const npyMagic = "\x93NUMPY"

// maxNPYElems is the largest number of elements ReadNPY accepts (2 GiB as
// float64). A header declaring more is refused before anything is allocated.
const maxNPYElems = 1 << 28

// maxNPYHeader is the longest header ReadNPY accepts, in bytes (a version
// 1.0 header cannot be longer anyway).
const maxNPYHeader = 1<<16 - 1

// maxNPYDims is the largest number of dimensions ReadNPY accepts.
const maxNPYDims = 32

// maxNPYLabel is the largest label LoadNPY accepts, 2^53: every integer up
// to it is exact as a float64.
const maxNPYLabel = 1 << 53

// npyBlock is the number of bytes ReadNPY decodes at a time.
const npyBlock = 1 << 16

// npyType is an element type of the arrays ReadNPY reads.
type npyType struct {
	size   int
	decode func(b []byte) float64
}

// npyTypes maps the 'descr' of a header to its element type.
var npyTypes = map[string]npyType{
	"<f4": {4, func(b []byte) float64 { return float64(math.Float32frombits(binary.LittleEndian.Uint32(b))) }},
	">f4": {4, func(b []byte) float64 { return float64(math.Float32frombits(binary.BigEndian.Uint32(b))) }},
	"<f8": {8, func(b []byte) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b)) }},
	">f8": {8, func(b []byte) float64 { return math.Float64frombits(binary.BigEndian.Uint64(b)) }},
	"|u1": {1, func(b []byte) float64 { return float64(b[0]) }},
	"<u1": {1, func(b []byte) float64 { return float64(b[0]) }},
	">u1": {1, func(b []byte) float64 { return float64(b[0]) }},
	"<i4": {4, func(b []byte) float64 { return float64(int32(binary.LittleEndian.Uint32(b))) }},
	">i4": {4, func(b []byte) float64 { return float64(int32(binary.BigEndian.Uint32(b))) }},
	"<i8": {8, func(b []byte) float64 { return float64(int64(binary.LittleEndian.Uint64(b))) }},
	">i8": {8, func(b []byte) float64 { return float64(int64(binary.BigEndian.Uint64(b))) }},
}

// ReadNPY reads the NumPy array file (.npy) at path and returns its
// elements as float64 in C (row-major) order, and its shape (empty for a
// 0-dimensional array, which holds one element).
//
// It reads format versions 1.0, 2.0 and 3.0 and the element types float32,
// float64, uint8, int32 and int64, little- or big-endian ('<f4', '>f4',
// '<f8', '>f8', '|u1', '<i4', '<i8', …); int64 values beyond ±2^53 are
// rounded. Arrays stored in Fortran order are refused unless that order is
// the same as C order (at most one dimension larger than 1). Other element
// types, structured arrays and pickled objects are refused with an error
// that names the type.
//
// The header is checked before anything is allocated: the magic string, the
// version, a header dict with exactly the keys 'descr', 'fortran_order' and
// 'shape', at most 32 dimensions and at most 2^28 elements. A file that ends
// early gives an error wrapping io.ErrUnexpectedEOF; bytes after the data
// are an error too. Every error starts "datasets: " and names the file.
func ReadNPY(path string) (data []float64, shape []int, err error) {
	data, shape, _, err = readNPYFile(path, 0)
	return data, shape, err
}

// readNPYFile reads the .npy file at path as readNPY does. Its errors carry
// the package prefix and the file name.
func readNPYFile(path string, limit int) ([]float64, []int, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("datasets: %w", err) // *PathError names the file
	}
	defer f.Close()
	data, shape, n, err := readNPY(f, limit)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("datasets: %s: %w", path, err)
	}
	return data, shape, n, nil
}

// readNPY does the work of ReadNPY on the stream r, which must hold one
// .npy array and nothing else. If limit > 0 and the array has at least one
// dimension, it keeps only the first limit rows (along the first dimension)
// and stops reading there, without checking the rest of the stream. It also
// returns the number of rows the header declares (1 for a 0-dimensional
// array). Errors have no package prefix.
func readNPY(r io.Reader, limit int) (data []float64, shape []int, declared int, err error) {
	br := bufio.NewReader(r)
	var pre [12]byte
	if _, err := io.ReadFull(br, pre[:8]); err != nil {
		return nil, nil, 0, fmt.Errorf("reading NPY magic: %w", noEOF(err))
	}
	if string(pre[:6]) != npyMagic {
		return nil, nil, 0, fmt.Errorf("not an NPY file: magic %q, want %q", pre[:6], npyMagic)
	}
	major, minor := pre[6], pre[7]
	var hlen int
	switch {
	case major == 1 && minor == 0:
		if _, err := io.ReadFull(br, pre[8:10]); err != nil {
			return nil, nil, 0, fmt.Errorf("reading NPY header length: %w", noEOF(err))
		}
		hlen = int(binary.LittleEndian.Uint16(pre[8:]))
	case (major == 2 || major == 3) && minor == 0:
		if _, err := io.ReadFull(br, pre[8:12]); err != nil {
			return nil, nil, 0, fmt.Errorf("reading NPY header length: %w", noEOF(err))
		}
		n := binary.LittleEndian.Uint32(pre[8:])
		if n > maxNPYHeader {
			return nil, nil, 0, fmt.Errorf("NPY header of %d bytes is too long (max %d)", n, maxNPYHeader)
		}
		hlen = int(n)
	default:
		return nil, nil, 0, fmt.Errorf("NPY version %d.%d is not supported (want 1.0, 2.0 or 3.0)", major, minor)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(br, hdr); err != nil {
		return nil, nil, 0, fmt.Errorf("reading the %d-byte NPY header: %w", hlen, noEOF(err))
	}
	h, err := parseNPYHeader(string(hdr))
	if err != nil {
		text := strings.TrimRight(string(hdr), " \n")
		if len(text) > 200 {
			text = text[:200] + "…"
		}
		return nil, nil, 0, fmt.Errorf("NPY header %q: %w", text, err)
	}
	typ, ok := npyTypes[h.descr]
	if !ok {
		return nil, nil, 0, fmt.Errorf("NPY dtype '%s' is not supported; use float32, float64, uint8, int32 or int64", h.descr)
	}
	if len(h.shape) > maxNPYDims {
		return nil, nil, 0, fmt.Errorf("NPY array has %d dimensions (max %d)", len(h.shape), maxNPYDims)
	}
	elems := 1
	big := 0 // dimensions larger than 1
	for _, d := range h.shape {
		if d > 1 {
			big++
		}
		if d > maxNPYElems || (d > 0 && elems > maxNPYElems/d) {
			return nil, nil, 0, fmt.Errorf("NPY shape %v is too large (more than %d elements)", h.shape, maxNPYElems)
		}
		elems *= d
	}
	if h.fortran && big > 1 {
		return nil, nil, 0, fmt.Errorf("NPY array of shape %v is in Fortran (column-major) order, which is not supported; save it in C order (np.ascontiguousarray)", h.shape)
	}

	declared = 1
	partial := false
	if len(h.shape) > 0 {
		declared = h.shape[0]
		if limit > 0 && limit < declared {
			elems = elems / declared * limit
			h.shape[0] = limit
			partial = true
		}
	}
	data, err = readNPYData(br, elems, typ)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("reading NPY data (%s, shape %v, %d bytes): %w", h.descr, h.shape, elems*typ.size, err)
	}
	if !partial {
		switch _, err := br.ReadByte(); {
		case err == nil:
			return nil, nil, 0, fmt.Errorf("NPY: trailing data after the %d-byte array", elems*typ.size)
		case err != io.EOF:
			return nil, nil, 0, fmt.Errorf("after the NPY data: %w", err)
		}
	}
	return data, h.shape, declared, nil
}

// readNPYData reads and decodes n elements of type typ from r. It grows its
// result as data arrives, so a header that lies about the size of a short
// stream costs little.
func readNPYData(r io.Reader, n int, typ npyType) ([]float64, error) {
	data := make([]float64, 0, min(n, idxChunk/8))
	buf := make([]byte, min(n*typ.size, npyBlock/typ.size*typ.size))
	for len(data) < n {
		if len(data) == cap(data) {
			data = slices.Grow(data, min(n, 2*cap(data))-len(data))
		}
		b := buf[:min(len(buf), (n-len(data))*typ.size)]
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, noEOF(err)
		}
		for ; len(b) > 0; b = b[typ.size:] {
			data = append(data, typ.decode(b))
		}
	}
	return data, nil
}

// npyHeader is the content of the header dict of a .npy file.
type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNPYHeader parses the header of a .npy file: a Python dict literal
// such as "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }",
// padded with spaces and ending with a newline.
func parseNPYHeader(s string) (npyHeader, error) {
	var h npyHeader
	p := &npyParser{s: s}
	if !p.eat('{') {
		return h, errors.New("not a dict")
	}
	seen := map[string]bool{}
	for {
		if p.eat('}') {
			break
		}
		key, err := p.str()
		if err != nil {
			return h, fmt.Errorf("key: %w", err)
		}
		if seen[key] {
			return h, fmt.Errorf("key '%s' appears twice", key)
		}
		seen[key] = true
		if !p.eat(':') {
			return h, fmt.Errorf("no ':' after key '%s'", key)
		}
		switch key {
		case "descr":
			if p.peek() == '[' {
				return h, errors.New("'descr' is a list: structured arrays are not supported")
			}
			if h.descr, err = p.str(); err != nil {
				return h, fmt.Errorf("'descr': %w", err)
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.fortran = true
			case p.word("False"):
				h.fortran = false
			default:
				return h, errors.New("'fortran_order' is neither True nor False")
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, fmt.Errorf("'shape': %w", err)
			}
		default:
			return h, fmt.Errorf("unexpected key '%s'", key)
		}
		if !p.eat(',') {
			if !p.eat('}') {
				return h, errors.New("want ',' or '}' after a value")
			}
			break
		}
	}
	p.space()
	if p.i != len(p.s) {
		return h, errors.New("text after the dict")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("no key '%s'", k)
		}
	}
	return h, nil
}

// npyParser reads the Python literals of a .npy header.
type npyParser struct {
	s string
	i int
}

// space skips white space.
func (p *npyParser) space() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

// peek skips white space and returns the next byte, or 0 at the end.
func (p *npyParser) peek() byte {
	p.space()
	if p.i == len(p.s) {
		return 0
	}
	return p.s[p.i]
}

// eat skips white space and then c if it comes next, reporting whether it
// did.
func (p *npyParser) eat(c byte) bool {
	if p.peek() != c || c == 0 {
		return false
	}
	p.i++
	return true
}

// word skips white space and then w if it comes next as a whole word.
func (p *npyParser) word(w string) bool {
	p.space()
	rest := p.s[p.i:]
	if !strings.HasPrefix(rest, w) || (len(rest) > len(w) && isNPYWordByte(rest[len(w)])) {
		return false
	}
	p.i += len(w)
	return true
}

// isNPYWordByte reports whether c can be part of a Python name or number.
func isNPYWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// str reads a quoted string without escapes.
func (p *npyParser) str() (string, error) {
	q := p.peek()
	if q != '\'' && q != '"' {
		return "", errors.New("want a quoted string")
	}
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	if strings.IndexByte(v, '\\') >= 0 {
		return "", errors.New("escapes in strings are not supported")
	}
	p.i += end + 2
	return v, nil
}

// tuple reads a tuple of non-negative integers: (), (3,) or (3, 4), with
// an optional trailing comma and Python 2's L suffix.
func (p *npyParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, errors.New("want a tuple")
	}
	v := []int{}
	for !p.eat(')') {
		if len(v) > maxNPYDims {
			return nil, fmt.Errorf("more than %d dimensions", maxNPYDims)
		}
		p.space()
		start := p.i
		for p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
			p.i++
		}
		if p.i == start {
			return nil, errors.New("want a non-negative integer")
		}
		n, err := strconv.ParseInt(p.s[start:p.i], 10, 64)
		if err != nil || n > math.MaxInt32 {
			return nil, fmt.Errorf("dimension %s is too large", p.s[start:p.i])
		}
		if p.i < len(p.s) && (p.s[p.i] == 'L' || p.s[p.i] == 'l') {
			p.i++
		}
		v = append(v, int(n))
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, errors.New("want ',' or ')' after a dimension")
			}
			break
		}
	}
	return v, nil
}

// WriteNPY writes data, of the given shape, to path as a version 1.0 .npy
// file in C order that numpy.load reads: little-endian float32 ('<f4') if
// float32 is true, rounding each value to the nearest float32 (values too
// large become ±Inf), else float64 ('<f8'). An empty shape writes a
// 0-dimensional array of one element.
//
// The file is written atomically: to a temporary file in the same
// directory, synced, then renamed over path (with permissions 0644), so a
// failure never leaves a partial file at path; the temporary file is
// removed on failure. Errors start "datasets: " and name path.
//
// WriteNPY panics, a programming error, if a dimension is negative or
// len(data) is not the product of shape.
func WriteNPY(path string, data []float64, shape []int, float32 bool) (err error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("datasets: WriteNPY: negative dimension in shape %v", shape))
		}
		n *= d
	}
	if n != len(data) {
		panic(fmt.Sprintf("datasets: WriteNPY: %d values for shape %v (%d elements)", len(data), shape, n))
	}

	err = atomicfile.Write(path, func(w io.Writer) error {
		if _, err := w.Write(npyHeaderBytes(shape, float32)); err != nil {
			return err
		}
		var b [8]byte
		for _, v := range data {
			var err error
			if float32 {
				binary.LittleEndian.PutUint32(b[:], math.Float32bits(float32Of(v)))
				_, err = w.Write(b[:4])
			} else {
				binary.LittleEndian.PutUint64(b[:], math.Float64bits(v))
				_, err = w.Write(b[:])
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("datasets: %w", err)
	}
	return nil
}

// float32Of converts v to float32 (a function so that the parameter named
// float32 of WriteNPY does not hide the type).
func float32Of(v float64) float32 { return float32(v) }

// npyHeaderBytes returns the magic string, version, header length and
// header of a little-endian C-order array of the given shape, padded with
// spaces and a newline so that the data starts at a multiple of 64 bytes.
// It uses version 2.0 only if the header is too long for version 1.0.
func npyHeaderBytes(shape []int, float32 bool) []byte {
	descr := "<f8"
	if float32 {
		descr = "<f4"
	}
	var dims strings.Builder
	for i, d := range shape {
		if i > 0 {
			dims.WriteString(", ")
		}
		dims.WriteString(strconv.Itoa(d))
	}
	if len(shape) == 1 {
		dims.WriteString(",")
	}
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, dims.String())
	pre := 10 // magic, version, uint16 length
	if len(dict)+1+63 > math.MaxUint16 {
		pre = 12
	}
	pad := (64 - (pre+len(dict)+1)%64) % 64
	hdr := dict + strings.Repeat(" ", pad) + "\n"
	b := []byte(npyMagic)
	if pre == 10 {
		b = append(b, 1, 0)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
	} else {
		b = append(b, 2, 0)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(hdr)))
	}
	return append(b, hdr...)
}

// LoadNPY loads a labelled set from two .npy files (read as ReadNPY does):
// the samples, an array of shape m×d (vectors), m×C×T (signals) or
// m×C×H×W (images), every dimension after the first positive, and the
// labels, a 1-D array of m integers, or of integral floats, from 0 to 2^53.
// Values are taken as they are: a uint8 image is not scaled to [0,1].
//
// Labels may be any such integers: the distinct values are sorted and
// remapped to 0..K−1 in that order, and the class names are the original
// values written in decimal ("0", "3", "10", …). With Limit(n) only the
// first n samples and labels are read, and only the labels among them
// become classes. The set is named dataPath.
//
// LoadNPY returns an error, naming the file, if a file cannot be read, an
// array has an unsupported type or shape, the two files hold different
// numbers of samples, a label is negative, not an integer or too large, or
// a sample holds NaN or an infinity.
func LoadNPY(dataPath, labelsPath string, opts ...Option) (*Set, error) {
	o := newOptions(opts)
	x, shape, m, err := readNPYFile(dataPath, o.limit)
	if err != nil {
		return nil, err
	}
	lab, lshape, mLab, err := readNPYFile(labelsPath, o.limit)
	if err != nil {
		return nil, err
	}
	if len(shape) < 2 || len(shape) > 4 || slices.Contains(shape[1:], 0) {
		return nil, fmt.Errorf("datasets: %s: array of shape %v, want m×d, m×C×T or m×C×H×W with d, C, T, H, W > 0", dataPath, shape)
	}
	if len(lshape) != 1 {
		return nil, fmt.Errorf("datasets: %s: labels of shape %v, want a 1-D array", labelsPath, lshape)
	}
	if m != mLab {
		return nil, fmt.Errorf("datasets: %s holds %d samples but %s holds %d labels", dataPath, m, labelsPath, mLab)
	}

	s := &Set{
		Name:   dataPath,
		X:      x,
		Shape:  slices.Clone(shape[1:]),
		Labels: make([]int, len(lab)),
	}
	for i, v := range lab {
		if v != math.Trunc(v) || v < 0 || v > maxNPYLabel {
			return nil, fmt.Errorf("datasets: %s: label %d is %v, want an integer from 0 to 2^53", labelsPath, i, v)
		}
	}
	d := s.Dim()
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("datasets: %s: sample %d holds %v", dataPath, i/d, v)
		}
	}
	values := slices.Clone(lab)
	slices.Sort(values)
	values = slices.Compact(values)
	s.Classes = make([]string, len(values))
	for k, v := range values {
		s.Classes[k] = strconv.FormatInt(int64(v), 10)
	}
	for i, v := range lab {
		s.Labels[i], _ = slices.BinarySearch(values, v)
	}
	return s, nil
}
