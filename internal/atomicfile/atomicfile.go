// Package atomicfile writes files so that they are never seen half-written:
// the content goes to a temporary file in the destination's directory,
// which is synced and then renamed over the destination. On any failure
// (a full disk, an error from the caller's writer, a cancelled context)
// the temporary file is removed and the destination is left as it was.
//
// What a write replaces is the destination's target: a path that is a
// symbolic link is written through, to the file it points to (as a shell's
// ">" does), and the link itself stays. A new file gets the mode 0666
// minus the process's umask, as a file created by os.Create does; a
// replaced file keeps its permission bits (not its owner, which only the
// superuser could keep). A destination that exists and is not a regular
// file (a directory, a FIFO, a device) or that may not be written to is an
// error, found before anything is written.
//
// Temporary files are named ".NAME.tmp-*" beside their destination. Every
// one that is neither committed nor aborted yet is known to the package, so
// that a program about to exit at once (on a second interrupt, say) can
// remove them with Cleanup.
package atomicfile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Write creates or replaces path with what fill writes, atomically. The
// writer given to fill is buffered. Errors name path.
func Write(path string, fill func(w io.Writer) error) error {
	return WriteContext(context.Background(), path, fill)
}

// WriteContext is Write that gives up when ctx is done: the writer given
// to fill then fails with ctx.Err(), and nothing is renamed into place
// once ctx is done, so the error wraps ctx.Err() and path is untouched.
func WriteContext(ctx context.Context, path string, fill func(w io.Writer) error) (err error) {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp, err := Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Abort()
		}
	}()
	bw := bufio.NewWriterSize(ctxWriter{ctx, tmp}, 1<<20)
	if err = fill(bw); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = ctx.Err(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return tmp.Commit()
}

// ctxWriter fails every write once its context is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// maxLinks bounds the symbolic links Target follows, as the kernel does.
const maxLinks = 40

// Target returns the file that a write to path creates or replaces: path
// itself, or, if path is a symbolic link, the file at the end of the chain
// of links (which need not exist yet: a dangling link is written through,
// creating its target). It returns an error naming path if the target
// exists and is not a regular file, or if the links loop.
func Target(path string) (string, error) {
	p := path
	for range maxLinks {
		fi, err := os.Lstat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return p, nil
		case err != nil:
			return "", fmt.Errorf("writing %s: %w", path, err)
		case fi.Mode()&fs.ModeSymlink == 0:
			if fi.IsDir() {
				return "", fmt.Errorf("writing %s: it is a directory", path)
			}
			if !fi.Mode().IsRegular() {
				return "", fmt.Errorf("writing %s: not a regular file (%v)", path, fi.Mode().Type())
			}
			return p, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return "", fmt.Errorf("writing %s: %w", path, err)
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(p), link)
		}
		p = link
	}
	return "", fmt.Errorf("writing %s: too many levels of symbolic links", path)
}

// File is a temporary file that becomes its destination on Commit, for
// writers that need more than one pass or several files to appear
// together.
type File struct {
	*os.File
	path   string // the destination as given
	target string // the file Commit replaces (Target of path)
	done   bool
}

// live holds the names of the temporary files that are neither committed
// nor aborted, for Cleanup.
var live sync.Map

// seq and the time make the names of temporary files unique within the
// process; O_EXCL makes them unique on disk.
var seq atomic.Uint64

// Create starts a temporary file for path in the directory of its target
// (Target), with the mode the file will have: that of the file it replaces,
// or 0666 minus the umask for a new one. It returns an error naming path if
// the target is not a regular file, exists and may not be written to, or
// if its directory does not take a new file.
func Create(path string) (*File, error) {
	target, err := Target(path)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(target)
	replacing := err == nil
	if replacing {
		// Refuse to replace a file that may not be written to (as a
		// shell's ">" would), rather than rename a new one over it.
		w, err := os.OpenFile(target, os.O_WRONLY, 0)
		if err != nil {
			return nil, fmt.Errorf("writing %s: %w", path, err)
		}
		w.Close()
	}
	dir, base := filepath.Split(target)
	if dir == "" {
		dir = "."
	}
	var f *os.File
	for range 100 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(uint64(time.Now().UnixNano())+seq.Add(1)*7919, 36))
		// 0666 is reduced by the umask, as for os.Create.
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	live.Store(f.Name(), struct{}{})
	t := &File{File: f, path: path, target: target}
	if replacing {
		if err := f.Chmod(fi.Mode().Perm()); err != nil {
			t.Abort()
			return nil, fmt.Errorf("writing %s: %w", path, err)
		}
	}
	return t, nil
}

// Commit syncs and closes the temporary file and renames it to its
// destination's target. On failure the temporary file is removed.
func (f *File) Commit() error {
	if f.done {
		return fmt.Errorf("writing %s: already committed or aborted", f.path)
	}
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), f.target)
	}
	f.done = true
	live.Delete(f.Name())
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("writing %s: %w", f.path, err)
	}
	syncDir(filepath.Dir(f.target))
	return nil
}

// syncDir syncs a directory so that a rename in it survives a crash; where
// directories cannot be synced it does nothing.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Abort closes and removes the temporary file; the destination is
// untouched. It is a no-op after Commit.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.Close()
	os.Remove(f.Name())
	live.Delete(f.Name())
}

// Cleanup removes every temporary file of the process that is neither
// committed nor aborted, for a program that is about to exit without
// unwinding (os.Exit on a second interrupt). Files being written at the
// time are removed from under their writers, which then fail.
func Cleanup() {
	live.Range(func(name, _ any) bool {
		os.Remove(name.(string))
		live.Delete(name)
		return true
	})
}
