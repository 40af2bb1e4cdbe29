# The commands the README names. Each one first installs what it is missing:
# the pinned toolchain (rust-toolchain.toml) through rustup, QEMU and OVMF
# through apt-get.
#
#   make run [UEFI=1] [SMP=n]  boot the kernel in QEMU on n CPUs (default 4); exits with
#                       the kernel's verdict
#   make run LOCK=fair|unfair  force the kernel's lock kind (default: unfair under a
#                       hypervisor, fair on bare metal)
#   make run KFENCE=n   sample one page-sized allocation in n per CPU into the guard-page
#                       pool (0: off; default: the kernel's, see docs/10)
#   make run HEAPMAP=1  the same, and draw the kernel's heap maps into target/heapmap/*.svg
#                       (also when the run fails: the maps printed before the failure)
#   make run DEBUG_HEAP=1  the same with the heap's misuse checks and poisoned frees
#   make run HARDEN=1   the same with the heap's mangled, checked free lists
#   make run NET=1      with a virtio-net card: the kernel serves a UDP and TCP echo on the
#                       127.0.0.1 ports boot prints, until a `quit` datagram
#   make console        the heap console: an interactive prompt over the kernel heap
#   make test           host tests (nightly feature, release, stable), Miri runs, lints,
#                       the published crate's package and bare-metal example, a bounded
#                       run of the fuzz target, a smoke run of the real programs, kernel
#                       tests in QEMU
#   make gdb [UEFI=1]   QEMU waiting for gdb, with the command line to attach
#   make doc            rustdoc for the host crates and the kernel (warnings are errors),
#                       and the docs/ book into target/book when mdbook is installed
#   make book           the docs/ book into target/book/docs (installs mdbook when missing)
#   make grade [SOLUTIONS=1] [EX=n]  score the graded exercises (docs/11); SOLUTIONS=1 grades
#                       the reference solutions, which must score full marks; EX=n one exercise
#   make grade CHEATS=1 try the known cheats on the grader: each must score 0
#   make handout DIR=…  a student repository in DIR (new; fresh git history, tagged
#                       `handout`): the stubs, the checks and the book, no solutions
#   make bench [QUICK=1] benchmarks on the host and in the kernel: tables, CSV, SVG plots
#   make bench-locks [ROUNDS=n]  the in-kernel bench at 1, 2, 4 vCPUs with each lock kind
#   make bench-callgrind  instructions per operation in each allocator's calls on the
#                       committed traces (valgrind's callgrind; no timing)
#   make fuzz [FUZZ_SECONDS=600]  the heap's fuzz target for that long (cargo-fuzz), then
#                       its line coverage of heap/src
#
# The host crate that depends on `bootloader` (boot) is built, linted
# and documented in the release profile only: the bootloader's build script compiles
# its BIOS and UEFI stages once per profile, the slowest step of a first build.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

TOOLCHAIN := $(shell sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)
COMPONENTS := rust-src llvm-tools miri clippy rustfmt
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BOOT := target/release/boot
KERNEL := target/x86_64-target/release/kernel
KERNEL_DEBUG := target/x86_64-target/debug/kernel
KERNEL_BENCH := target/x86_64-target/release/bench
SMP ?= 4
BOOT_FLAGS := $(if $(UEFI),--uefi)
# LOCK=fair|unfair: the kernel's lock kind, handed over through QEMU's fw_cfg.
# NET=1: a virtio-net card; the kernel serves the UDP and TCP echo (port 7) on the
# 127.0.0.1 ports boot prints, until a `quit` datagram.
RUN_FLAGS := $(BOOT_FLAGS) $(if $(LOCK),--lock $(LOCK)) $(if $(filter 1,$(NET)),--net) $(if $(KFENCE),--kfence $(KFENCE))
# HEAPMAP=1: the kernel prints heap maps over serial; boot draws them as SVGs.
HEAPMAP_DIR := target/heapmap
HEAPMAP_LOG := $(if $(filter 1,$(HEAPMAP)),$(HEAPMAP_DIR)/serial.log)
# DEBUG_HEAP=1: the heap checks every free (its checks need debug assertions) and
# freed memory is poisoned. HARDEN=1: the heap's free lists are mangled and checked.
RUN_FEATURES := $(strip $(if $(HEAPMAP_LOG),heapmap) $(if $(filter 1,$(DEBUG_HEAP)),debug-heap) \
	$(if $(filter 1,$(HARDEN)),heap-harden))
RUN_ENV := $(if $(filter 1,$(DEBUG_HEAP)),CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true)

.PHONY: run console test gdb doc book grade handout bench bench-locks bench-callgrind fuzz toolchain qemu boot kernel

run: toolchain qemu boot
	$(RUN_ENV) cargo kbuild --release $(if $(RUN_FEATURES),--features "$(RUN_FEATURES)")
	$(if $(HEAPMAP_LOG),mkdir -p $(HEAPMAP_DIR))
	status=0; $(BOOT) run $(RUN_FLAGS) --cpus $(SMP) $(if $(HEAPMAP_LOG),--serial-log $(HEAPMAP_LOG)) $(KERNEL) || status=$$?; \
	$(if $(HEAPMAP_LOG),$(BOOT) heapmap $(HEAPMAP_LOG) --out $(HEAPMAP_DIR) || [ $$status -ne 0 ];) \
	exit $$status

console: toolchain qemu boot
	cargo kbuild --release --bin console
	$(BOOT) run $(RUN_FLAGS) --interactive --cpus $(SMP) target/x86_64-target/release/console

# The heap is tested with its `nightly` feature (the `Allocator` impl) on the pinned nightly,
# with `debug-checks` on (debug) and off (release), with `counters` on and (in part) off, on stable without it, and under Miri:
# every heap test with Stacked Borrows, and the tests of provenance, boxes and each
# operation again with Tree Borrows (the slow part: about 13 minutes of Miri, on one core,
# so both runs go on boot's background lane while the other suites and the kernel tests
# use the other core; `boot test` prints each stage's time at the end). The
# debug suite and the Stacked Borrows run build the heap with `harden` (mangled, checked
# free lists; heap_harden.rs needs it), the release, stable and Tree Borrows runs without
# it; the fuzz target has it. The fuzz target's body runs on 2000 seeded inputs (heap/fuzz/tests/bounded.rs: no cargo-fuzz,
# no libFuzzer; under a minute with its build), so that it cannot go stale unnoticed.
# Without the running counters (`make bench` measures that build): the tests that do not
# read the counters, the out-of-memory loop's among them.
NO_COUNTERS_TESTS := cargo test -p tagheap --no-default-features --features std,debug-checks \
	--lib --test heap_grow --test heap_oom_progress --test heap_arena --test heap_victim
MIRI_SB := -Zmiri-strict-provenance
MIRI_TB := -Zmiri-tree-borrows -Zmiri-strict-provenance
# The crate as crates.io would get it (`tagheap`, in heap/): its file list and a dry-run
# publish, which builds it from the packaged files alone, with no warning but the dry run's
# own; then the bare-metal example, built for x86_64-unknown-none as another kernel would.
BARE_METAL := x86_64-unknown-none
PACKAGE_LOG := target/package.log
PACKAGE := cargo package --list -p tagheap --allow-dirty >$(PACKAGE_LOG) 2>&1 \
	&& cargo publish --dry-run -p tagheap --allow-dirty >>$(PACKAGE_LOG) 2>&1; \
	status=$$?; cat $(PACKAGE_LOG); test $$status = 0 \
	&& ! grep "^warning" $(PACKAGE_LOG) | grep -v "aborting upload due to dry run" \
	&& RUSTFLAGS=-Dwarnings cargo build --manifest-path heap/examples/bare-metal/Cargo.toml --target-dir target/bare-metal \
		--target $(BARE_METAL) --release
# API docs with every warning an error (broken intra-doc links), host crates and kernel.
DOCS := RUSTDOCFLAGS=-Dwarnings cargo doc --release --workspace --exclude kernel --no-deps \
	&& RUSTDOCFLAGS=-Dwarnings cargo doc -p kernel --no-deps --target x86_64-target.json \
	-Zbuild-std=core,alloc,compiler_builtins -Zjson-target-spec
MIRI_TB_TESTS := --test heap_global --test heap_locked --test heap_threads --test heap_ops --test heap_debug --test heap_grow --test heap_arena --test heap_victim

test: toolchain qemu boot
	$(BOOT) test \
		--suite 'host=cargo test -p tagheap --features nightly,mmap,harden && $(NO_COUNTERS_TESTS) && cargo test --release -p boot' \
		--suite 'release=cargo test -p tagheap --features nightly --release' \
		--suite 'stable=CARGO_TARGET_DIR=target/stable cargo +stable test -p tagheap' \
		--background-suite 'miri=MIRIFLAGS="$(MIRI_SB)" cargo miri test -p tagheap --features nightly,harden' \
		--background-suite 'miri-tree=MIRIFLAGS="$(MIRI_TB)" cargo miri test -p tagheap --features nightly $(MIRI_TB_TESTS)' \
		--suite 'package=$(PACKAGE)' \
		--suite 'fuzz=cd heap/fuzz && cargo test --release --no-default-features' \
		--suite 'programs=cargo build --release -p bench-programs && QUICK=1 target/release/drive' \
		--suite 'docs=$(DOCS)' \
		--suite 'lint=cargo fmt --all -- --check && cargo clippy --release --workspace --exclude kernel --all-targets -- -D warnings && cargo clippy -p tagheap --all-targets --all-features -- -D warnings && cargo clippy -p tagheap --all-targets --no-default-features -- -D warnings && cargo kclippy --all-targets --all-features -- -D warnings' \
		--kernel

gdb: toolchain qemu boot
	cargo kbuild
	$(BOOT) gdb $(BOOT_FLAGS) $(KERNEL_DEBUG)

doc: toolchain
	$(DOCS)
	@if $(MDBOOK) --version >/dev/null 2>&1; then $(MAKE) --no-print-directory book; \
	else echo "make: mdbook is not installed, so the docs/ book was not built (make book installs it)"; fi

# mdbook, pinned, built without its web server (`serve`, `watch`) to halve its build, into
# target/tools. Source files are copied beside the book (target/book/kernel/…), so that a
# chapter's relative link to one works in the book as it does on GitHub. (A link to a `.md`
# file outside docs/ would not: mdbook turns it into a link to `.html`; link its directory.)
MDBOOK_VERSION := 0.5.4
MDBOOK := target/tools/bin/mdbook

book: toolchain
	@$(MDBOOK) --version 2>/dev/null | grep -qx "mdbook v$(MDBOOK_VERSION)" || { \
		echo "make: installing mdbook $(MDBOOK_VERSION) into target/tools (once; a few minutes)"; \
		cargo install mdbook --locked --version $(MDBOOK_VERSION) --no-default-features --features search --root target/tools; }
	$(MDBOOK) build docs
	git ls-files -z -- '*.rs' '*.toml' '*.md' ':!:docs/*' | xargs -0 cp --parents -t target/book
	@echo "make: the book is target/book/docs/index.html"

# The graded exercises: host checks and kernel tests, a score per exercise and a total.
grade: toolchain qemu boot
	$(BOOT) grade $(if $(filter 1,$(CHEATS)),--cheats,$(if $(filter 1,$(SOLUTIONS)),--solutions) $(if $(EX),--exercise $(EX)))

handout: boot
	@[ -n "$(DIR)" ] || { echo "make: say where: make handout DIR=../os-course"; exit 2; }
	$(BOOT) handout $(DIR)

# `compare` writes target/bench/host.csv fresh; the benches after it (bump; replay: traces
# of real programs; drive: real Rust programs on each global allocator) append their rows.
# The in-kernel benchmark's rows go to target/bench/kernel.csv.
# The heap is measured without its running counters, as talc is (talc's are off by default).
BENCH_FEATURES := --no-default-features

bench: toolchain qemu boot
	QUICK=$(QUICK) cargo bench -p tagheap $(BENCH_FEATURES) --bench compare
	QUICK=$(QUICK) cargo bench -p tagheap $(BENCH_FEATURES) --bench bump
	QUICK=$(QUICK) cargo bench -p tagheap $(BENCH_FEATURES) --bench replay
	QUICK=$(QUICK) cargo bench -p tagheap $(BENCH_FEATURES) --bench scaling
	cargo build --release -p bench-programs
	QUICK=$(QUICK) target/release/drive
	cargo kbuild --release --no-default-features --features bench --bin bench
	$(BOOT) run $(RUN_FLAGS) --cpus $(SMP) --serial-log target/bench/kernel-serial.log $(KERNEL_BENCH)
	{ echo workload,param,allocator,metric,value; tr -d '\r' < target/bench/kernel-serial.log | sed -n 's/^bench,//p'; } > target/bench/kernel.csv

# The in-kernel bench at 1, 2 and 4 vCPUs with each lock kind, in interleaved boots
# (tools/bench-locks.sh): target/bench/locks.csv and a table of medians.
ROUNDS ?= 3

bench-locks: toolchain qemu boot
	cargo kbuild --release --no-default-features --features bench --bin bench
	tools/bench-locks.sh $(ROUNDS)

# Callgrind's count of the allocators' own instructions per operation on the traces
# (tools/bench-callgrind.sh): target/bench/callgrind.csv and a table against talc.
bench-callgrind: toolchain
	tools/bench-callgrind.sh

# The corpus grows in heap/fuzz/corpus across runs; crashes land in heap/fuzz/artifacts.
FUZZ_SECONDS ?= 600
FUZZ_COVERAGE := heap/fuzz/coverage/heap_ops/coverage.profdata
LLVM_BIN := $(shell rustc --print sysroot 2>/dev/null)/lib/rustlib/x86_64-unknown-linux-gnu/bin

fuzz: toolchain
	@command -v cargo-fuzz >/dev/null || { echo "make: installing cargo-fuzz"; cargo install cargo-fuzz; }
	cd heap && cargo fuzz run heap_ops -- -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1
	mkdir -p heap/fuzz/coverage
	cd heap && cargo fuzz coverage heap_ops > fuzz/coverage/replay.log 2>&1
	$(LLVM_BIN)/llvm-cov report heap/target/x86_64-unknown-linux-gnu/coverage/x86_64-unknown-linux-gnu/release/heap_ops \
		-instr-profile=$(FUZZ_COVERAGE) $$(find heap/src -name '*.rs' | sort)

boot: toolchain
	cargo build --release -p boot

# Installs the pinned nightly and its components unless they are all there, and the
# bare-metal target the crate's example is built for.
toolchain:
	@installed=$$(rustup component list --installed --toolchain $(TOOLCHAIN) 2>/dev/null || true); \
	for c in $(COMPONENTS); do \
		grep -q "^$$c" <<<"$$installed" || { echo "make: installing $(TOOLCHAIN) with its components"; rustup toolchain install; break; }; \
	done
	@rustup target list --installed --toolchain $(TOOLCHAIN) | grep -qx $(BARE_METAL) || { \
		echo "make: adding the $(BARE_METAL) target to $(TOOLCHAIN)"; rustup target add --toolchain $(TOOLCHAIN) $(BARE_METAL); }

qemu:
	@command -v qemu-system-x86_64 >/dev/null && [ -e /usr/share/OVMF/OVMF_CODE_4M.fd ] || { \
		echo "make: installing qemu-system-x86 and ovmf"; \
		$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q --no-install-recommends qemu-system-x86 ovmf; }
