// Package atomicfile writes files so that they are never seen half-written:
// the content goes to a temporary file in the destination's directory,
// which is synced and then renamed over the destination. On any failure
// (a full disk, an error from the caller's writer) the temporary file is
// removed and the destination is left as it was.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write creates or replaces path with what fill writes, atomically. The
// writer given to fill is buffered. The file gets mode 0644. Errors name
// path.
func Write(path string, fill func(w io.Writer) error) (err error) {
	tmp, err := Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Abort()
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err = fill(bw); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return tmp.Commit()
}

// File is a temporary file that becomes path on Commit, for writers that
// need more than one pass or several files to appear together.
type File struct {
	*os.File
	path string
	done bool
}

// Create starts a temporary file for path in the same directory.
func Create(path string) (*File, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	// CreateTemp makes the file private; give it the usual mode of a new file.
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return &File{File: f, path: path}, nil
}

// Commit syncs and closes the temporary file and renames it to its path.
// On failure the temporary file is removed.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("writing %s: already committed or aborted", f.path)
	}
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), f.path)
	}
	f.done = true
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", f.path, err)
	}
	return nil
}

// Abort closes and removes the temporary file; path is untouched. It is a
// no-op after Commit.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
}
