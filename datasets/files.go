package datasets

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// This file holds what every loader does with the files it reads: open
// only regular files, watch the context while reading, and grow a buffer
// only as far as the data that has arrived and the data that is wanted.

// ErrNotRegular is the reason a loader refuses a path that names something
// other than a regular file or a symbolic link to one: a named pipe, a
// socket, a device. Reading such a thing could block for ever or never
// end. Errors wrap it inside an *fs.PathError that names the path; find it
// with errors.Is. LoadFolder skips such files and lists them in
// Set.Skipped instead.
var ErrNotRegular = errors.New("not a regular file")

// openRegular opens the regular file at path (following symbolic links)
// for reading and returns it with its size. It refuses anything else
// before opening it, so that a named pipe does not block the open, and
// checks again on the open file, opened without blocking, in case path
// changed in between. A folder gives an error wrapping errIsFolder, other
// non-regular files one wrapping ErrNotRegular; both are *fs.PathError.
func openRegular(path string) (*os.File, int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	if err := checkRegular(path, fi); err != nil {
		return nil, 0, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, 0, err
	}
	ffi, err := f.Stat()
	if err == nil {
		err = checkRegular(path, ffi)
	}
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, ffi.Size(), nil
}

// checkRegular returns nil if fi describes a regular file, else an
// *fs.PathError for path that says what it is.
func checkRegular(path string, fi fs.FileInfo) error {
	m := fi.Mode()
	if m.IsRegular() {
		return nil
	}
	if m.IsDir() {
		return &fs.PathError{Op: "open", Path: path, Err: errIsFolder}
	}
	kind := "an irregular file"
	switch {
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeCharDevice != 0:
		kind = "a character device"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	}
	return &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kind)}
}

// errIsFolder is the reason a folder is refused where a file is wanted,
// and why LoadFolder skips a folder inside a class folder.
var errIsFolder = errors.New("a folder, not an image")

// ctxReader reads from r until ctx is done, and then returns ctx.Err().
// Wrapped around a file under a buffered reader, it lets a long read stop
// within one buffer of a cancellation, wherever the reading code is.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// cancelled returns an error naming what, with the package prefix, that
// wraps ctx.Err() if ctx is done, and nil otherwise.
func cancelled(ctx context.Context, what string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("datasets: %s: %w", what, err)
	}
	return nil
}

// firstAlloc is the most values a loader allocates for its samples before
// their data has arrived, when the data may be smaller than its header
// says (a gzip stream); beyond it, the slice grows as values arrive.
const firstAlloc = 1 << 20

// grow returns x with room for at least extra more elements, never growing
// its capacity beyond most values (the most that can be wanted) unless
// extra requires it. Capacity doubles, so appending n values in pieces
// costs O(n).
func grow[E any](x []E, extra, most int) []E {
	need := len(x) + extra
	if need <= cap(x) {
		return x
	}
	c := max(need, min(2*cap(x), most), min(firstAlloc, most))
	y := make([]E, len(x), c)
	copy(y, x)
	return y
}
