package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/redunet-go/redunet/datasets"
	"github.com/redunet-go/redunet/experiment"
	"github.com/redunet-go/redunet/redunet"
)

// classesHelp documents -classes.
const classesHelp = "e.g. 0-9, 0,1 or 3,5-7. Numbers are label values as they appear in the data " +
	"(a .npy file with labels 10, 20, 30: -classes 10,30) when every class name is a number (MNIST, .npy), " +
	"else positions 0..K−1 in the sorted list of classes (CIFAR, folders); a folder's class may also be named (-classes cat,dog). " +
	"Labels are renumbered 0..K−1 in sorted order"

// dataFlags select a labelled set: a source, classes, how images of a
// folder are decoded.
type dataFlags struct {
	source  string
	classes string
	img     imageFlags
}

func (f *dataFlags) register(fs *flag.FlagSet, defSource string) {
	fs.StringVar(&f.source, "data", defSource, "data source: mnist (fetched via the Go module proxy), mnist:DIR, fashion-mnist[:DIR], cifar10:DIR, cifar100[-coarse]:DIR, folder:DIR (one sub-folder per class), npy:DATA.npy,LABELS.npy; synthetic gaussian2d, gaussian3d, sinusoid")
	fs.StringVar(&f.classes, "classes", "", "classes to use (default: all), "+classesHelp)
	f.img.register(fs)
}

// load reads one split of the source and keeps perClass samples of each
// selected class after skipping skip (perClass ≤ 0: all); perFlag names the
// flag that asked for perClass. The training split must have at least two
// classes.
func (f *dataFlags) load(ctx context.Context, e *env, split string, perClass, skip int, perFlag string, img imageOptions) (*datasets.Set, error) {
	s, err := loadSet(ctx, f.source, split, perClass, skip, img)
	if err != nil {
		return nil, err
	}
	if split == "train" || skip == 0 {
		reportSkipped(e, s)
	}
	ids, err := classIDs(s, f.classes)
	if err != nil {
		return nil, err
	}
	if k := len(ids); split == "train" && (k == 1 || (k == 0 && len(s.Classes) < 2)) {
		names := s.Classes
		if k == 1 {
			names = []string{s.Classes[ids[0]]}
		}
		return nil, usagef("ΔR needs at least two classes; %s has %d (%s)", f.source, len(names), strings.Join(names, ", "))
	}
	sub, err := s.Subset(ids, perClass, skip)
	switch {
	case err != nil && skip > 0:
		return nil, fmt.Errorf("%s %d: the test samples of %s follow the %d training samples of each class: %w", perFlag, perClass, f.source, skip, err)
	case err != nil:
		return nil, fmt.Errorf("%s %d: %w", perFlag, perClass, err)
	}
	return sub, nil
}

// classIDs resolves a -classes list against a set (experiment.ClassIDs),
// its mistakes being usage errors.
func classIDs(s *datasets.Set, spec string) ([]int, error) {
	ids, err := experiment.ClassIDs(s, spec)
	if err != nil {
		return nil, usagef("-classes %s: %s", spec, strings.TrimPrefix(strings.TrimPrefix(err.Error(), experiment.ErrClasses.Error()+": "), "datasets: "))
	}
	return ids, nil
}

// loadSet loads a split of a source, reading no more of each class than
// the perClass samples after skip that will be kept (perClass ≤ 0: all),
// and giving up as soon as ctx is done (loaders that do not watch ctx go on
// in the background, their result dropped).
func loadSet(ctx context.Context, source, split string, perClass, skip int, img imageOptions) (*datasets.Set, error) {
	var opts []datasets.Option
	if strings.HasPrefix(source, "folder:") {
		opts = img.datasetOptions()
	}
	// The synthetic sources would draw that many instead of their
	// default number, other samples than without the option.
	if perClass > 0 && !synthetic(source) {
		opts = append(opts, datasets.PerClass(perClass+skip))
	}
	return withContext(ctx, func() (*datasets.Set, error) { return datasets.Load(ctx, source, split, opts...) })
}

// synthetic reports whether a source is one of the synthetic sets.
func synthetic(source string) bool {
	name, _, _ := strings.Cut(source, ":")
	for _, s := range datasets.Sources() {
		if s.Name == name {
			return strings.HasPrefix(s.Summary, "synthetic")
		}
	}
	return false
}

// withContext runs f, returning its result, or ctx.Err() as soon as ctx is
// done (f then goes on in the background, its result dropped).
func withContext[T any](ctx context.Context, f func() (T, error)) (T, error) {
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		if r.err == nil {
			if err := ctx.Err(); err != nil {
				return zero, err
			}
		}
		return r.v, r.err
	case <-ctx.Done():
		return zero, ctx.Err()
	}
}

// checkSource refuses, as a usage error, a data source that datasets.Load
// does not know or that lacks or has a wrongful argument.
func checkSource(flagName, source string) error {
	name, arg, hasArg := strings.Cut(source, ":")
	var known []string
	for _, s := range datasets.Sources() {
		known = append(known, s.Usage)
		if s.Name != name {
			continue
		}
		takesArg := strings.Contains(s.Usage, ":")
		needsArg := takesArg && !strings.Contains(s.Usage, "[:")
		switch {
		case hasArg && !takesArg:
			return usagef("%s %s: %s takes nothing after a colon", flagName, source, name)
		case hasArg && arg == "":
			return usagef("%s %s: nothing after the colon (want %s)", flagName, source, s.Usage)
		case !hasArg && needsArg:
			return usagef("%s %s: %s needs its files: %s", flagName, source, name, s.Usage)
		}
		return nil
	}
	return usagef("%s %q: unknown data source (known: %s)", flagName, source, strings.Join(known, ", "))
}

// imageFlags are -size, -gray and -max-pixels: how the images of a folder
// source are decoded.
type imageFlags struct {
	size      string
	gray      bool
	maxPixels int
}

func (f *imageFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.size, "size", "", "folder: sources: resize every image to WxH pixels, e.g. 32x32 (default: the size of the first image; for eval and features the model's)")
	fs.BoolVar(&f.gray, "gray", false, "folder: sources: decode the images as one gray channel instead of R, G, B (for eval and features the model's by default)")
	fs.IntVar(&f.maxPixels, "max-pixels", 0, "folder: sources: skip an image of more than N pixels, such as a decompression bomb, without decoding it (0: the default, 2^26)")
}

// maxImageSide and maxImagePixels bound -size: a sample of 3×2048×2048
// values is 96 MiB already.
const (
	maxImageSide   = 4096
	maxImagePixels = 1 << 22
)

// options returns the decoder options the flags set; set tells which flags
// the user gave. -size and -gray apply to folder sources only.
func (f *imageFlags) options(source string, set map[string]bool) (imageOptions, error) {
	o := imageOptions{gray: f.gray, maxPixels: f.maxPixels}
	if f.maxPixels < 0 {
		return o, usagef("-max-pixels %d: want ≥ 0", f.maxPixels)
	}
	if (set["size"] || set["gray"] || set["max-pixels"]) && source != "" && !strings.HasPrefix(source, "folder:") {
		return o, usagef("-size, -gray and -max-pixels apply to folder: sources, not to %s", source)
	}
	if f.size != "" {
		ws, hs, ok := strings.Cut(strings.ReplaceAll(strings.ToLower(f.size), "×", "x"), "x")
		w, err1 := strconv.Atoi(strings.TrimSpace(ws))
		h, err2 := strconv.Atoi(strings.TrimSpace(hs))
		if !ok || err1 != nil || err2 != nil || w < 1 || h < 1 || w > maxImageSide || h > maxImageSide || w*h > maxImagePixels {
			return o, usagef("-size %q: want WxH with 1 ≤ W, H ≤ %d and W·H ≤ %d, e.g. 32x32", f.size, maxImageSide, maxImagePixels)
		}
		o.w, o.h = w, h
	}
	return o, nil
}

// modelImageOptions returns the decoder options for the images of a folder
// source that a model is applied to: those of the flags the user gave, else
// the model's image format (so that a folder decodes as it did for
// training).
func modelImageOptions(m *redunet.Model, pre redunet.Preprocess, f *imageFlags, source string, set map[string]bool) (imageOptions, error) {
	o, err := f.options(source, set)
	if err != nil {
		return o, err
	}
	if img := pre.Image; img != nil {
		if !set["size"] {
			o.w, o.h = img.Width, img.Height
		}
		if !set["gray"] {
			o.gray = img.Channels == 1
		}
	}
	return o, nil
}

// reportSkipped prints the loader's notes (such as the image size a folder
// chose) and tells the user which files a loader left out.
func reportSkipped(e *env, s *datasets.Set) {
	for _, n := range s.Notes {
		fmt.Fprintf(e.stderr, "redunet: %s: %s\n", s.Name, n)
	}
	if len(s.Skipped) == 0 {
		return
	}
	fmt.Fprintf(e.stderr, "redunet: skipped %d unreadable file(s) in %s:\n", len(s.Skipped), s.Name)
	for i, f := range s.Skipped {
		if i == 20 {
			fmt.Fprintf(e.stderr, "  ... and %d more\n", len(s.Skipped)-20)
			break
		}
		fmt.Fprintf(e.stderr, "  %s: %v\n", f.Path, f.Err)
	}
}

// selectClasses keeps the samples of s whose class names are in names, with
// labels renumbered to the positions of names, so that a test set matches
// the classes a model was trained on.
func selectClasses(s *datasets.Set, names []string, perClass, skip int) (*datasets.Set, error) {
	var ids []int
	for _, n := range names {
		i := slices.Index(s.Classes, n)
		if i < 0 {
			return nil, fmt.Errorf("%s has no class %q that the model was trained on (its classes: %s)", s.Name, n, listClasses(s.Classes))
		}
		ids = append(ids, i)
	}
	sub, err := s.Subset(ids, perClass, skip)
	if err != nil {
		return nil, err
	}
	// Subset numbers classes by sorted id; map them to the model's order.
	order := make([]int, len(sub.Classes))
	for j, n := range sub.Classes {
		order[j] = slices.Index(names, n)
	}
	for i, y := range sub.Labels {
		sub.Labels[i] = order[y]
	}
	sub.Classes = names
	return sub, nil
}

// absSource returns source with the paths after its colon made absolute
// (what a model records as meta "data_abs", so that a later command can
// tell the same files from others whatever its directory).
func absSource(source string) string {
	name, arg, ok := strings.Cut(source, ":")
	if !ok || arg == "" {
		return source
	}
	parts := []string{arg}
	if name == "npy" {
		parts = strings.SplitN(arg, ",", 2)
	}
	for i, p := range parts {
		if a, err := filepath.Abs(p); err == nil {
			parts[i] = a
		}
	}
	return name + ":" + strings.Join(parts, ",")
}

// sameSource reports whether source (as given to a command; "" for the
// model's own) names the data the model was trained on: the same source,
// reading the same files.
func sameSource(m *redunet.Model, source string) bool {
	orig := m.Meta["data"]
	if source == "" || source == orig {
		return true
	}
	if a := m.Meta["data_abs"]; a != "" {
		orig = a
	}
	n1, a1, _ := strings.Cut(source, ":")
	n2, a2, _ := strings.Cut(orig, ":")
	if n1 != n2 {
		return false
	}
	p1, p2 := []string{a1}, []string{a2}
	if n1 == "npy" {
		p1, p2 = strings.SplitN(a1, ",", 2), strings.SplitN(a2, ",", 2)
	}
	if len(p1) != len(p2) {
		return false
	}
	for i := range p1 {
		f1, err1 := os.Stat(p1[i])
		f2, err2 := os.Stat(p2[i])
		if err1 != nil || err2 != nil {
			if filepath.Clean(p1[i]) != filepath.Clean(p2[i]) {
				return false
			}
			continue
		}
		if !os.SameFile(f1, f2) {
			return false
		}
	}
	return true
}

// modelTestOffset returns how many samples of each class precede the test
// samples of the source a model is applied to: for the data the model was
// trained on, when it has no separate test split, the model's training
// samples per class (experiment.TestOffset); else none.
func modelTestOffset(m *redunet.Model, source string) (int, error) {
	src := source
	if src == "" {
		src = m.Meta["data"]
	}
	if !experiment.SingleSplit(src) || !sameSource(m, source) {
		return 0, nil
	}
	trainPer := -1
	if v, err := strconv.Atoi(m.Meta["train_per_class"]); err == nil {
		trainPer = v
	}
	if trainPer < 0 {
		// No record: the most training samples of a class (every class has
		// as many when they were taken N per class).
		counts := make([]int, len(m.Classes))
		trainPer = 0
		for _, y := range m.Net.Labels {
			if y >= 0 && y < len(counts) {
				counts[y]++
				trainPer = max(trainPer, counts[y])
			}
		}
	}
	skip, err := experiment.TestOffset(src, trainPer)
	if errors.Is(err, experiment.ErrNoTestSamples) {
		return 0, fmt.Errorf("the model was trained on every sample of %s (train_per_class %d), which has no separate test split: "+
			"no test samples are left (give other data with -data)", src, trainPer)
	}
	return skip, err
}

// dataRequest is the data a saved model is applied to.
type dataRequest struct {
	// source is the data source ("": the one the model was trained on).
	source string
	// split is "train" or "test". Test samples of the data the model was
	// trained on, if it has no separate test split, are the ones after the
	// model's training samples.
	split string
	// classes selects classes of the data (a -classes list), "" the
	// model's classes, by name.
	classes string
	// perClass samples of each class (≤ 0: all).
	perClass int
	img      imageOptions
}

// modelData loads the samples of a split that a saved model is to be
// applied to, laid out as the model's architecture takes them. It returns
// the source used.
func modelData(ctx context.Context, e *env, m *redunet.Model, r dataRequest) (*datasets.Set, string, error) {
	source := r.source
	if source == "" {
		source = m.Meta["data"]
	}
	if source == "" {
		return nil, "", usagef("the model does not say what data it was trained on: give -data")
	}
	if err := checkSource("-data", source); err != nil {
		return nil, "", err
	}
	skip := 0
	if r.split == "test" {
		var err error
		if skip, err = modelTestOffset(m, r.source); err != nil {
			return nil, "", err
		}
	}
	all, err := loadSet(ctx, source, r.split, r.perClass, skip, r.img)
	if err != nil {
		return nil, "", err
	}
	reportSkipped(e, all)
	names := m.Classes
	if r.classes != "" {
		ids, err := classIDs(all, r.classes)
		if err != nil {
			return nil, "", err
		}
		names = nil
		for _, id := range ids {
			names = append(names, all.Classes[id])
		}
	}
	s, err := selectClasses(all, names, r.perClass, skip)
	if err != nil {
		if skip > 0 {
			return nil, "", fmt.Errorf("the test samples of %s follow the model's %d training samples of each class: %w", source, skip, err)
		}
		return nil, "", err
	}
	l, pre := experiment.ForModel(m)
	raw := slices.Clone(s.Shape)
	if s, err = l.Apply(s); err != nil {
		return nil, "", fmt.Errorf("the %s split of %s: %w", r.split, source, err)
	}
	if !slices.Equal(s.Shape, m.InputShape) {
		what := fmt.Sprintf("samples of shape %s (%d values)", shapeString(s.Shape), s.Dim())
		if img := pre.Image; img != nil && pre.Polar != nil {
			what = fmt.Sprintf("images of shape %s (the model's are %s)", shapeString(raw), shapeString([]int{img.Channels, img.Height, img.Width}))
		}
		return nil, "", fmt.Errorf("the %s split of %s has %s; the model takes %s (%d values)",
			r.split, source, what, shapeString(m.InputShape), m.Net.SampleLen())
	}
	return s, source, nil
}

// addShifts adds the all-shifts set of the test set to d, refusing in the
// command line's words samples that have no cyclic shifts.
func addShifts(d *experiment.Data, perClass int) error {
	for _, s := range d.Evals {
		if _, ok := d.Layout.ShiftRank(s.Shape); !ok && s.Name == experiment.TestSet {
			return usagef("-shifts all: the %s samples (%v) have no cyclic shifts with -arch %s", s.Name, s.Shape, d.Layout.Arch)
		}
	}
	return d.AddShifts(perClass)
}

// shiftSetLen returns the number of samples of the all-shifts set that
// addShifts would add, 0 if none.
func shiftSetLen(d *experiment.Data, perClass int) int {
	for _, s := range d.Evals {
		if s.Name != experiment.TestSet {
			continue
		}
		rank, ok := d.Layout.ShiftRank(s.Shape)
		if !ok {
			return 0
		}
		counts := s.Counts()
		per := perClass
		for _, c := range counts {
			if per > 0 && c > 0 && c < per {
				per = c
			}
		}
		n := 0
		for _, c := range counts {
			if per > 0 {
				c = min(c, per)
			}
			n += c
		}
		return n * len(experiment.ShiftGrid(s.Shape[len(s.Shape)-rank:]))
	}
	return 0
}

// listClasses lists class names for a message, the first 20 of them.
func listClasses(names []string) string {
	if len(names) > 20 {
		return strings.Join(names[:20], ", ") + fmt.Sprintf(", … (%d in all)", len(names))
	}
	return strings.Join(names, ", ")
}
