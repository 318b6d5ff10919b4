package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/internal/atomicfile"
)

// The rules for what a command writes, checked before it starts its work
// so that a long run never ends in an error about its output:
//
//   - the file is written through a symbolic link, to its target;
//   - its directory exists and takes a new file; the file, if it exists,
//     is a regular file that may be written to;
//   - it is none of the run's input files (nor inside a class folder of a
//     folder source, where it would become a sample), even with -force;
//   - an existing file is replaced only if it is of the kind being written
//     (a ReduNet model for train -o, a report's own files for -report and
//     repro), or with -force.
//
// The writing itself is atomic (internal/atomicfile), keeps the permission
// bits of a replaced file, and on interruption leaves nothing behind.

// modelMagic starts every ReduNet model file.
const modelMagic = "REDUNET\n"

// fileKind is the kind of file a command writes: its name for messages and
// whether the first bytes of a file are of that kind. An existing file of
// the kind is replaced without -force.
type fileKind struct {
	name string
	is   func(head []byte) bool
}

// modelFile is a ReduNet model.
var modelFile = &fileKind{"a ReduNet model", func(b []byte) bool { return bytes.HasPrefix(b, []byte(modelMagic)) }}

// reportFile returns the kind of a file that a report holds.
func reportFile(name string) *fileKind {
	switch filepath.Ext(name) {
	case ".png":
		return &fileKind{"a PNG image", func(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }}
	case ".json":
		return &fileKind{"a JSON file", func(b []byte) bool { return bytes.HasPrefix(bytes.TrimSpace(b), []byte("{")) }}
	case ".md":
		return &fileKind{"a redunet report", func(b []byte) bool { return bytes.HasPrefix(b, []byte("# ")) }}
	}
	return nil
}

// inputs are the files a run reads, which its outputs may not replace.
type inputs struct {
	files []string // files read (data files, the model)
	// dirFiles are the files of the directory of a source such as
	// mnist:DIR, which its loader may read; a ReduNet model among them is
	// not.
	dirFiles []string
	// classRoots are the folders of folder sources: nothing may be written
	// inside their class folders, nor a new folder made in them.
	classRoots []string
}

// addSource adds the files a data source reads.
func (in *inputs) addSource(source string) {
	name, arg, _ := strings.Cut(source, ":")
	switch {
	case arg == "":
	case name == "npy":
		data, labels, _ := strings.Cut(arg, ",")
		in.files = append(in.files, data, labels)
	case name == "folder":
		in.classRoots = append(in.classRoots, arg)
	default: // a directory of data files (MNIST, CIFAR)
		if entries, err := os.ReadDir(arg); err == nil {
			for _, e := range entries {
				in.dirFiles = append(in.dirFiles, filepath.Join(arg, e.Name()))
			}
		}
	}
}

// check returns an error if the file (or, if dir, the folder) at path (as
// a write to it would replace: through links) is one of the inputs or
// inside a class folder of a folder source.
func (in *inputs) check(path string, flagName string, dir bool) error {
	fi, err := os.Stat(path)
	if err == nil {
		for _, f := range in.files {
			if gi, err := os.Stat(f); err == nil && os.SameFile(fi, gi) {
				return usagef("%s %s: refusing to replace %s, an input of this run", flagName, path, f)
			}
		}
		for _, f := range in.dirFiles {
			if gi, err := os.Stat(f); err == nil && os.SameFile(fi, gi) {
				if head, err := readHead(path); err == nil && modelFile.is(head) {
					break // a model beside the data is no data
				}
				return usagef("%s %s: refusing to replace %s, a file of this run's data", flagName, path, f)
			}
		}
	}
	for _, root := range in.classRoots {
		if insideClassFolder(root, path, dir) {
			return usagef("%s %s: refusing to write inside the image folder %s, whose sub-folders are classes", flagName, path, root)
		}
	}
	return nil
}

// insideClassFolder reports whether writing path would put a file or a
// folder into a class folder of the image folder root, or make a new class
// folder in it: whether path is root/X/…, or, for a folder (dir), root/X. A
// plain file directly in root is not a sample, and is allowed.
func insideClassFolder(root, path string, dir bool) bool {
	r, err := filepath.EvalSymlinks(root)
	if err != nil {
		return false
	}
	p, err := filepath.Abs(path)
	if err != nil {
		return false
	}
	// Resolve the part of path that exists, so that links compare.
	rest := ""
	for {
		if q, err := filepath.EvalSymlinks(p); err == nil {
			p = filepath.Join(q, rest)
			break
		}
		parent := filepath.Dir(p)
		if parent == p {
			return false
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
	if r, err = filepath.Abs(r); err != nil {
		return false
	}
	rel, err := filepath.Rel(r, p)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false
	}
	return dir || strings.ContainsRune(rel, filepath.Separator)
}

// checkOutput checks, before a run, that it can write the file path (the
// rules above): an existing file of kind (nil: none) is replaced without
// force; flagName names the flag in messages.
func checkOutput(path, flagName string, force bool, kind *fileKind, in *inputs) error {
	target, err := atomicfile.Target(path)
	if err != nil {
		return fmt.Errorf("%s %s: %w", flagName, path, errors.Unwrap(err))
	}
	dir := filepath.Dir(target)
	if fi, err := os.Stat(dir); err != nil {
		return fmt.Errorf("%s %s: cannot write into %s: %w", flagName, path, dir, unwrapPath(err))
	} else if !fi.IsDir() {
		return fmt.Errorf("%s %s: %s is not a directory", flagName, path, dir)
	}
	if err := in.check(target, flagName, false); err != nil {
		return err
	}
	if head, err := readHead(target); err == nil {
		if !force && (kind == nil || !kind.is(head)) {
			what := "exists"
			if kind != nil {
				what = "exists and is not " + kind.name
			}
			if target != path {
				return fmt.Errorf("%s %s: its target %s %s (use -force to replace it)", flagName, path, target, what)
			}
			return fmt.Errorf("%s %s %s (use -force to replace it)", flagName, path, what)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s %s: %w", flagName, path, unwrapPath(err))
	}
	// Can a file be made beside it (and, if it exists, written to)?
	f, err := atomicfile.Create(path)
	if err != nil {
		return fmt.Errorf("%s %s: %w", flagName, path, errors.Unwrap(err))
	}
	f.Abort()
	return nil
}

// readHead reads the first bytes of a file.
func readHead(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 64)
	n, err := io.ReadFull(f, b)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return b[:n], err
}

// unwrapPath drops the operation and path of an *fs.PathError, which the
// messages name themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// checkReportDir checks, before a run, that it can write a report into dir
// (-report, repro -out): dir is a folder or can be made, none of the files
// a report holds (experiment.ReportFiles) is something else than what the
// report would write there, unless force, and none is an input.
func checkReportDir(dir, flagName string, force bool, in *inputs) error {
	return checkReportFiles(dir, flagName, force, in, experiment.ReportFiles())
}

// checkReportFiles is checkReportDir for a directory that gets the files
// names.
func checkReportFiles(dir, flagName string, force bool, in *inputs, names []string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return fmt.Errorf("%s %s: not a directory", flagName, dir)
	case err == nil:
		if err := in.check(dir, flagName, true); err != nil {
			return err
		}
		for _, name := range names {
			if err := checkOutput(filepath.Join(dir, name), flagName, force, reportFile(name), in); err != nil {
				return err
			}
		}
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s %s: %w", flagName, dir, unwrapPath(err))
	}
	if err := in.check(dir, flagName, true); err != nil {
		return err
	}
	// The nearest folder that exists must take a new folder.
	parent := filepath.Dir(filepath.Clean(dir))
	for {
		fi, err := os.Stat(parent)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("%s %s: %s is not a directory", flagName, dir, parent)
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) || filepath.Dir(parent) == parent {
			return fmt.Errorf("%s %s: %w", flagName, dir, unwrapPath(err))
		}
		parent = filepath.Dir(parent)
	}
	probe, err := os.MkdirTemp(parent, ".redunet-probe-*")
	if err != nil {
		return fmt.Errorf("%s %s: cannot make a folder in %s: %w", flagName, dir, parent, unwrapPath(err))
	}
	os.Remove(probe)
	return nil
}

// sameTargets returns an error if two of the paths would write the same
// file (through links).
func sameTargets(paths ...string) error {
	var seen []string
	for _, p := range paths {
		t, err := atomicfile.Target(p)
		if err != nil {
			continue // reported by checkOutput
		}
		if a, err := filepath.Abs(t); err == nil {
			t = a
		}
		if i := slices.Index(seen, t); i >= 0 {
			return usagef("%s and %s are the same file", paths[i], p)
		}
		seen = append(seen, t)
	}
	return nil
}

// outputFile is a file to write: its path and a function that writes it
// whole.
type outputFile struct {
	path  string
	write func(w io.Writer) error
}

// writeOutputs writes every file to a temporary file beside it and, once all
// are written and ctx is not done, renames them into place, so that a
// failure or an interruption leaves none of them written or changed, and
// the files belong together.
func writeOutputs(ctx context.Context, files []outputFile) (err error) {
	tmps := make([]*atomicfile.File, 0, len(files))
	defer func() {
		if err != nil {
			for _, t := range tmps {
				t.Abort()
			}
		}
	}()
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		t, err := atomicfile.Create(f.path)
		if err != nil {
			return err
		}
		tmps = append(tmps, t)
		w := &ctxWriter{ctx: ctx, w: t}
		if err := f.write(w); err != nil {
			return fmt.Errorf("writing %s: %w", f.path, err)
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, t := range tmps {
		if err := t.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// ctxWriter fails every write once its context is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c *ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
