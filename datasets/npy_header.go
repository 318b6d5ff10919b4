package datasets

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// This file reads and checks the header of a .npy file: the magic string,
// the format version, the length of the header and the header dict, and
// everything they imply (element type, shape, size) before the reader
// allocates anything for the data.

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

// npyHeader is the content of the header dict of a .npy file and, once
// checked, what it implies.
type npyHeader struct {
	descr   string
	fortran bool
	shape   []int

	typ    npyType // the element type of descr, set by check
	elems  int     // the number of elements, the product of shape, set by check
	length int     // bytes from the start of the file to the data, set by readNPYHeader
}

// readNPYHeader reads the magic string, the version, the header length and
// the header of a .npy file from r, and checks the header. It allocates
// nothing larger than the header, whose length it bounds first. Errors have
// no package prefix.
func readNPYHeader(r io.Reader) (npyHeader, error) {
	var pre [12]byte
	if _, err := io.ReadFull(r, pre[:8]); err != nil {
		return npyHeader{}, fmt.Errorf("reading NPY magic: %w", noEOF(err))
	}
	if string(pre[:6]) != npyMagic {
		return npyHeader{}, formatErrorf("not an NPY file: magic %q, want %q", pre[:6], npyMagic)
	}
	major, minor := pre[6], pre[7]
	var hlen int
	plen := 12 // magic, version and header length
	switch {
	case major == 1 && minor == 0:
		plen = 10
		if _, err := io.ReadFull(r, pre[8:10]); err != nil {
			return npyHeader{}, fmt.Errorf("reading NPY header length: %w", noEOF(err))
		}
		hlen = int(binary.LittleEndian.Uint16(pre[8:]))
	case (major == 2 || major == 3) && minor == 0:
		if _, err := io.ReadFull(r, pre[8:12]); err != nil {
			return npyHeader{}, fmt.Errorf("reading NPY header length: %w", noEOF(err))
		}
		n := binary.LittleEndian.Uint32(pre[8:])
		if n > maxNPYHeader {
			return npyHeader{}, unsupportedf("NPY header of %d bytes is too long (max %d)", n, maxNPYHeader)
		}
		hlen = int(n)
	default:
		return npyHeader{}, unsupportedf("NPY version %d.%d is not supported (want 1.0, 2.0 or 3.0)", major, minor)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return npyHeader{}, fmt.Errorf("reading the %d-byte NPY header: %w", hlen, noEOF(err))
	}
	h, err := parseNPYHeader(string(hdr))
	if err != nil {
		text := strings.TrimRight(string(hdr), " \n")
		if len(text) > 200 {
			text = text[:200] + "…"
		}
		return npyHeader{}, fmt.Errorf("NPY header %q: %w", text, err)
	}
	if err := h.check(); err != nil {
		return npyHeader{}, err
	}
	h.length = plen + hlen
	return h, nil
}

// check checks that the reader supports the element type, the number of
// dimensions, the size and the order of h, and sets h.typ and h.elems.
func (h *npyHeader) check() error {
	typ, ok := npyTypes[h.descr]
	if !ok {
		return unsupportedf("NPY dtype '%s' is not supported; use float32, float64, uint8, int32 or int64", h.descr)
	}
	if len(h.shape) > maxNPYDims {
		return unsupportedf("NPY array has %d dimensions (max %d)", len(h.shape), maxNPYDims)
	}
	elems := 1
	big := 0 // dimensions larger than 1
	for _, d := range h.shape {
		if d > 1 {
			big++
		}
		if d > maxNPYElems || (d > 0 && elems > maxNPYElems/d) {
			return unsupportedf("NPY shape %v is too large (more than %d elements)", h.shape, maxNPYElems)
		}
		elems *= d
	}
	if h.fortran && big > 1 {
		return unsupportedf("NPY array of shape %v is in Fortran (column-major) order, which is not supported; save it in C order (np.ascontiguousarray)", h.shape)
	}
	h.typ, h.elems = typ, elems
	return nil
}

// parseNPYHeader parses the header of a .npy file: a Python dict literal
// such as "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }",
// padded with spaces and ending with a newline. It checks the syntax and
// that the keys are exactly 'descr', 'fortran_order' and 'shape', not the
// values (see check). Its errors wrap a FormatError or an UnsupportedError.
func parseNPYHeader(s string) (npyHeader, error) {
	var h npyHeader
	p := &npyParser{s: s}
	if !p.eat('{') {
		return h, FormatError("not a dict")
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
			return h, formatErrorf("key '%s' appears twice", key)
		}
		seen[key] = true
		if !p.eat(':') {
			return h, formatErrorf("no ':' after key '%s'", key)
		}
		switch key {
		case "descr":
			if p.peek() == '[' {
				return h, UnsupportedError("'descr' is a list: structured arrays are not supported")
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
				return h, FormatError("'fortran_order' is neither True nor False")
			}
		case "shape":
			if h.shape, err = p.tuple(); err != nil {
				return h, fmt.Errorf("'shape': %w", err)
			}
		default:
			return h, formatErrorf("unexpected key '%s'", key)
		}
		if !p.eat(',') {
			if !p.eat('}') {
				return h, FormatError("want ',' or '}' after a value")
			}
			break
		}
	}
	p.space()
	if p.i != len(p.s) {
		return h, FormatError("text after the dict")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, formatErrorf("no key '%s'", k)
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
		return "", FormatError("want a quoted string")
	}
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", FormatError("unterminated string")
	}
	v := p.s[p.i+1 : p.i+1+end]
	if strings.IndexByte(v, '\\') >= 0 {
		return "", UnsupportedError("escapes in strings are not supported")
	}
	p.i += end + 2
	return v, nil
}

// tuple reads a tuple of non-negative integers: (), (3,) or (3, 4), with
// an optional trailing comma and Python 2's L suffix. It stops with an
// error after maxNPYDims+1 of them, so that check can report the number
// of dimensions without the parser holding many more.
func (p *npyParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, FormatError("want a tuple")
	}
	v := []int{}
	for !p.eat(')') {
		if len(v) > maxNPYDims {
			return nil, unsupportedf("more than %d dimensions", maxNPYDims)
		}
		p.space()
		start := p.i
		for p.i < len(p.s) && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
			p.i++
		}
		if p.i == start {
			return nil, FormatError("want a non-negative integer")
		}
		n, err := strconv.ParseInt(p.s[start:p.i], 10, 64)
		if err != nil || n > math.MaxInt32 {
			return nil, unsupportedf("dimension %s is too large", p.s[start:p.i])
		}
		if p.i < len(p.s) && (p.s[p.i] == 'L' || p.s[p.i] == 'l') {
			p.i++
		}
		v = append(v, int(n))
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, FormatError("want ',' or ')' after a dimension")
			}
			break
		}
	}
	return v, nil
}
