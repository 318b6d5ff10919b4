package datasets

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
)

// IDX element types, the third byte of an IDX file's magic number.
const (
	IDXUint8   byte = 0x08 // unsigned byte
	IDXInt8    byte = 0x09 // signed byte
	IDXInt16   byte = 0x0B // 2-byte big-endian signed integer
	IDXInt32   byte = 0x0C // 4-byte big-endian signed integer
	IDXFloat32 byte = 0x0D // 4-byte big-endian IEEE 754 float
	IDXFloat64 byte = 0x0E // 8-byte big-endian IEEE 754 float
)

// maxIDXBytes is the largest payload ReadIDX accepts (2 GiB). A header
// claiming more is refused before anything is allocated.
const maxIDXBytes int64 = 2 << 30

// idxMaxDims is the largest number of dimensions ReadIDX accepts.
const idxMaxDims = 4

// idxChunk is the first allocation for a payload. Larger payloads grow
// by doubling as their bytes arrive, so a header that lies about the size
// of a short stream costs at most this much.
const idxChunk = 4 << 20

// IDX is the content of an IDX file, the format of the MNIST files
// (http://yann.lecun.com/exdb/mnist/): a magic number 0x00 0x00 type ndims,
// ndims big-endian uint32 dimensions, then the elements in row-major order.
type IDX struct {
	Type byte   // element type: IDXUint8, IDXInt8, IDXInt16, IDXInt32, IDXFloat32 or IDXFloat64
	Dims []int  // dimensions, outermost first; Dims[0] is the number of items
	Data []byte // raw big-endian payload, product(Dims) × element size bytes
}

// Len returns the number of items, Dims[0].
func (x *IDX) Len() int {
	if len(x.Dims) == 0 {
		return 0
	}
	return x.Dims[0]
}

// At returns element i of the payload (in row-major order over all of
// Dims) as a float64, whatever the element type. It panics if i is out of
// range or the type is unknown.
func (x *IDX) At(i int) float64 {
	size := idxElemSize(x.Type)
	if size == 0 {
		panic(fmt.Sprintf("datasets: IDX.At: unknown element type 0x%02x", x.Type))
	}
	if i < 0 || (i+1)*size > len(x.Data) {
		panic(fmt.Sprintf("datasets: IDX.At(%d) out of range [0,%d)", i, len(x.Data)/size))
	}
	b := x.Data[i*size:]
	switch x.Type {
	case IDXUint8:
		return float64(b[0])
	case IDXInt8:
		return float64(int8(b[0]))
	case IDXInt16:
		return float64(int16(binary.BigEndian.Uint16(b)))
	case IDXInt32:
		return float64(int32(binary.BigEndian.Uint32(b)))
	case IDXFloat32:
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b)))
	default: // IDXFloat64
		return math.Float64frombits(binary.BigEndian.Uint64(b))
	}
}

// idxElemSize returns the size in bytes of an element of type t, or 0 if
// t is not an IDX type.
func idxElemSize(t byte) int {
	switch t {
	case IDXUint8, IDXInt8:
		return 1
	case IDXInt16:
		return 2
	case IDXInt32, IDXFloat32:
		return 4
	case IDXFloat64:
		return 8
	}
	return 0
}

// ReadIDX reads one IDX object from r, which must hold nothing else. A
// gzip-compressed stream is recognised by its magic bytes (0x1f 0x8b) and
// decompressed; as with gzip -d, it may be several gzip members one after
// the other (as cat a.gz b.gz writes), which hold the object together.
//
// The header is checked before anything is allocated: the magic number,
// the element type, 1 to 4 dimensions, and a payload of at most 2 GiB. The
// payload is then read as it arrives, so a header that claims more than
// the stream holds costs little.
//
// A bad magic number, an unknown element type, no dimensions, or bytes
// after the payload (or after the last gzip member) give an error wrapping
// a FormatError; more than 4 dimensions or a larger payload, an error
// wrapping an UnsupportedError. A stream that ends early gives an error
// wrapping io.ErrUnexpectedEOF, and a damaged gzip stream one wrapping the
// error of compress/gzip (gzip.ErrHeader, gzip.ErrChecksum). Errors start
// "datasets: ".
func ReadIDX(r io.Reader) (*IDX, error) {
	x, _, err := readIDX(r, -1, 0)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	return x, nil
}

// ReadIDXFile reads the IDX file at path, plain or gzip-compressed
// whatever its name, as ReadIDX does. A plain file must be as long as its
// header says: one that is shorter is refused before the payload is
// allocated. Its errors are those of ReadIDX, and of opening the file, and
// name the file; a path that is not a regular file (a named pipe, a
// device) gives an error wrapping ErrNotRegular, without waiting on it.
func ReadIDXFile(path string) (*IDX, error) {
	f, size, err := openRegular(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	defer f.Close()
	x, _, err := readIDX(f, size, 0)
	if err != nil {
		return nil, fileError(path, err)
	}
	return x, nil
}

// readIDX does the work of ReadIDX and ReadIDXFile. size is the size of
// the file r reads, or -1 if unknown. If limit > 0 it keeps only the first
// limit items and stops reading there: the rest of the stream, including a
// gzip checksum, is then not checked. It returns the IDX and the number of
// items the header declares. Errors have no package prefix.
func readIDX(r io.Reader, size int64, limit int) (*IDX, int, error) {
	s, err := newIDXStream(r, size)
	if err != nil {
		return nil, 0, err
	}
	dims := slices.Clone(s.dims)
	declared := dims[0]
	total := s.total
	partial := limit > 0 && limit < declared
	if partial {
		total = total / int64(declared) * int64(limit)
		dims[0] = limit
	}
	data, err := readPayload(s.src, int(total))
	if err != nil {
		return nil, 0, fmt.Errorf("reading IDX data (%v, %d bytes): %w", dims, total, err)
	}
	if !partial {
		if err := s.end(); err != nil {
			return nil, 0, err
		}
	}
	return &IDX{Type: s.typ, Dims: dims, Data: data}, declared, nil
}

// idxStream is an IDX stream whose header has been read and checked; src
// reads the payload that follows.
type idxStream struct {
	src    *bufio.Reader // the payload, decompressed
	zipped bool          // the stream is gzipped
	held   bool          // the payload is known to be there: a plain file at least as long as the header says
	typ    byte          // element type
	size   int           // element size in bytes
	dims   []int         // the dimensions the header declares
	total  int64         // payload bytes the header declares, at most maxIDXBytes
}

// newIDXStream reads and checks the header of the IDX stream r, gzipped or
// not. If size >= 0 it is the size of the file that r reads, and a plain
// stream that is too short to hold the payload its header declares is
// refused with an error wrapping io.ErrUnexpectedEOF. Errors have no
// package prefix.
func newIDXStream(r io.Reader, size int64) (*idxStream, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	s := &idxStream{src: br}
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("reading gzip header: %w", noEOF(err))
		}
		zr.Multistream(false)
		s.src, s.zipped = bufio.NewReaderSize(&gzipMembers{br: br, zr: zr}, 1<<16), true
	}

	var hdr [4 + 4*idxMaxDims]byte
	if _, err := io.ReadFull(s.src, hdr[:4]); err != nil {
		return nil, fmt.Errorf("reading IDX header: %w", noEOF(err))
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return nil, formatErrorf("not an IDX file: magic % x, want 00 00 type ndims", hdr[:4])
	}
	typ, ndims := hdr[2], int(hdr[3])
	esize := idxElemSize(typ)
	if esize == 0 {
		return nil, formatErrorf("IDX: unknown element type 0x%02x", typ)
	}
	switch {
	case ndims == 0:
		return nil, formatErrorf("IDX: 0 dimensions, want 1 to %d", idxMaxDims)
	case ndims > idxMaxDims:
		return nil, unsupportedf("IDX: %d dimensions, want 1 to %d", ndims, idxMaxDims)
	}
	if _, err := io.ReadFull(s.src, hdr[4:4+4*ndims]); err != nil {
		return nil, fmt.Errorf("reading IDX dimensions: %w", noEOF(err))
	}
	dims := make([]int, ndims)
	total := int64(esize) // payload bytes; stays <= maxIDXBytes while dims are multiplied in
	for i := range dims {
		d := int64(binary.BigEndian.Uint32(hdr[4+4*i:]))
		if d > math.MaxInt32 || (d > 0 && total > maxIDXBytes/d) {
			return nil, unsupportedf("IDX: dimensions %v too large (more than %d bytes)", idxDims(hdr[4:4+4*ndims]), maxIDXBytes)
		}
		dims[i] = int(d)
		total *= d
	}
	if !s.zipped && size >= 0 {
		if have := size - int64(4+4*ndims); have < total {
			return nil, fmt.Errorf("IDX header declares %v, %d bytes of data, but the file holds %d: %w",
				dims, total, max(have, 0), io.ErrUnexpectedEOF)
		}
		s.held = true
	}
	s.typ, s.size, s.dims, s.total = typ, esize, dims, total
	return s, nil
}

// end checks that the payload, which has been read, is the end of the
// stream: no byte follows, and a gzip stream's last member ends there
// with a valid checksum and nothing after it.
func (s *idxStream) end() error {
	var one [1]byte
	switch n, err := io.ReadFull(s.src, one[:]); {
	case n > 0:
		return formatErrorf("IDX: trailing data after the %d-byte payload", s.total)
	case err != io.EOF:
		return fmt.Errorf("after the IDX data: %w", noEOF(err))
	}
	return nil
}

// gzipMembers reads the concatenated members of a gzip stream, as gzip -d
// does: a member that ends is followed by the end of the stream or by
// another member. Unlike the multistream mode of compress/gzip it reports
// bytes after the last member that do not start a member as a FormatError
// rather than as gzip.ErrHeader, and the start of a magic number cut short
// as io.ErrUnexpectedEOF.
type gzipMembers struct {
	br   *bufio.Reader // the compressed stream, positioned after zr's member when zr is done
	zr   *gzip.Reader  // the current member, in single-member mode
	done bool          // the last member has ended
}

func (g *gzipMembers) Read(p []byte) (int, error) {
	for {
		if g.done {
			return 0, io.EOF
		}
		n, err := g.zr.Read(p)
		if err != io.EOF {
			return n, err
		}
		// The member has ended and its checksum is good: look for another.
		switch next, perr := g.br.Peek(2); {
		case len(next) == 0 && perr == io.EOF:
			g.done = true
		case len(next) > 0 && (next[0] != 0x1f || (len(next) == 2 && next[1] != 0x8b)):
			return n, FormatError("IDX: trailing data after the gzip stream")
		case len(next) < 2:
			return n, noEOF(perr) // the start of a magic number, or a read error
		default:
			if err := g.zr.Reset(g.br); err != nil {
				return n, fmt.Errorf("reading gzip header: %w", noEOF(err))
			}
			g.zr.Multistream(false)
		}
		if n > 0 {
			return n, nil
		}
	}
}

// readPayload reads exactly n bytes from r. It allocates at most idxChunk
// bytes up front and grows the buffer as data arrives, so a lying header on
// a short stream is found out cheaply.
func readPayload(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, 0, min(n, idxChunk))
	for len(buf) < n {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(n, 2*cap(buf))-len(buf))
		}
		k, err := io.ReadFull(r, buf[len(buf):min(cap(buf), n)])
		buf = buf[:len(buf)+k]
		if err != nil {
			return nil, noEOF(err)
		}
	}
	return buf, nil
}

// idxDims decodes big-endian uint32 dimensions, for error messages.
func idxDims(b []byte) []uint32 {
	d := make([]uint32, len(b)/4)
	for i := range d {
		d[i] = binary.BigEndian.Uint32(b[4*i:])
	}
	return d
}
