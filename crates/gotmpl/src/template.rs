//! The template set: one namespace of named templates shared by every parsed file, as
//! Helm parses all of a chart's files into one `template.Template`.

use std::cell::Cell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use crate::ast::Tree;
use crate::builtins::Builtin;
use crate::error::Error;
use crate::exec::{At, Rv, State};
use crate::func::{FuncMap, Function, Shared};
use crate::value::Value;

/// What a missing map key evaluates to (Go's `missingkey` option).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum MissingKey {
    /// `missingkey=default` (or `invalid`): the "no value" (`<no value>` when printed).
    #[default]
    Default,
    /// `missingkey=zero`: the zero value of the map's element type (Helm's default).
    Zero,
    /// `missingkey=error`: execution stops with `map has no entry for key "x"` (Helm's
    /// `--strict`).
    Error,
}

/// A set of named templates with their functions and options.
///
/// Cloning is cheap (the parse trees and the function map are shared), which is what
/// Helm's `tpl` needs: a clone of the set to parse a new text into.
#[derive(Clone)]
pub struct Templates {
    name: String,
    trees: HashMap<String, Arc<Tree>>,
    pub(crate) funcs: Arc<FuncMap>,
    pub(crate) missingkey: MissingKey,
    pub(crate) step_limit: Option<u64>,
}

impl Default for Templates {
    fn default() -> Self {
        Templates::new("")
    }
}

impl std::fmt::Debug for Templates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Templates")
            .field("name", &self.name)
            .field("templates", &self.names())
            .field("missingkey", &self.missingkey)
            .finish()
    }
}

/// One file's parse: the trees it defines, or its error.
type FileTrees = Result<Vec<Tree>, Error>;

/// Stack size of the thread executions run on: deep but legal templates (Go allows
/// 100000 nested template calls and 10000 nested parentheses) need far more than a
/// default thread's stack. The memory is reserved, not committed, until used.
const BIG_STACK: usize = 4 << 30;

thread_local! {
    static ON_BIG_STACK: Cell<bool> = const { Cell::new(false) };
}

/// Below this much template text, [`Templates::parse_files`] parses on the calling
/// thread: starting threads would cost more than it saves.
const PARALLEL_PARSE_MIN_BYTES: usize = 128 * 1024;

/// The CPUs this process may run on, at most four: how many threads to parse template files with.
///
/// `std::thread::available_parallelism` also reads the cgroup CPU quota from `/proc` and
/// `/sys` on every call, 50-90 microseconds on the benchmark VM, a noticeable share of a
/// small render; the affinity mask alone is one cheap system call.
fn worker_threads() -> usize {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `set` is a plain bit set that `sched_getaffinity` fills in; its size is
        // passed along.
        let count = unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0 {
                usize::try_from(libc::CPU_COUNT(&set)).unwrap_or(1)
            } else {
                1
            }
        };
        count.clamp(1, 4)
    }
    #[cfg(not(target_os = "linux"))]
    {
        std::thread::available_parallelism()
            .map(|n| n.get().min(4))
            .unwrap_or(1)
    }
}

/// How much stack an execution or parse may use on an ordinary thread before it is
/// abandoned and redone on a big-stack thread. Small enough for a 2 MiB thread; deep
/// enough that real charts never need the (slower) second run.
const SMALL_STACK_BUDGET: usize = 512 * 1024;

/// A stack-depth guard: the stack address where the work started and how far it may go.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StackGuard {
    base: usize,
    budget: Option<usize>,
}

impl StackGuard {
    /// A guard for work starting here: bounded on ordinary threads, unbounded (the depth
    /// limits apply) on a big-stack thread.
    pub fn here() -> StackGuard {
        let budget = if ON_BIG_STACK.with(|c| c.get()) {
            None
        } else {
            Some(SMALL_STACK_BUDGET)
        };
        StackGuard {
            base: stack_address(),
            budget,
        }
    }

    /// Whether the work has used up its budget.
    pub fn exhausted(&self) -> bool {
        match self.budget {
            None => false,
            // The stack grows down on every platform we build for.
            Some(b) => self.base.saturating_sub(stack_address()) > b,
        }
    }
}

/// An address on the current stack frame.
#[inline(always)]
fn stack_address() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Runs `f` with a stack guard here; if it ran out of budget (it then returns `None`),
/// runs it again on a big-stack thread.
pub(crate) fn with_stack<R: Send>(f: impl Fn(StackGuard) -> Option<R> + Send + Sync) -> R {
    if let Some(r) = f(StackGuard::here()) {
        return r;
    }
    run_with_big_stack(|| f(StackGuard::here())).unwrap_or_else(|| unreachable_budget())
}

/// On a big-stack thread the guard never reports exhaustion, so `None` cannot come back.
fn unreachable_budget<R>() -> R {
    panic!("gotmpl: stack budget exhausted on the big-stack thread")
}

/// Runs `f` on a thread with a stack large enough for the engine's depth limits, unless
/// the current thread already is one. Callers rendering many templates can wrap the whole
/// job in one call to pay for the thread once.
pub fn run_with_big_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if ON_BIG_STACK.with(|c| c.get()) {
        return f();
    }
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new()
            .name("gotmpl".into())
            .stack_size(BIG_STACK)
            .spawn_scoped(s, || {
                ON_BIG_STACK.with(|c| c.set(true));
                f()
            });
        match handle {
            Ok(h) => match h.join() {
                Ok(r) => r,
                Err(panic) => std::panic::resume_unwind(panic),
            },
            // No thread could be made (resource limits): run here and rely on the limits.
            Err(_) => panic!("gotmpl: cannot spawn the execution thread"),
        }
    })
}

impl Templates {
    /// Frees the set on a short-lived thread of its own, so the caller need not wait:
    /// a large chart's parse trees are tens of thousands of small allocations, and
    /// freeing them took about a tenth of its whole render.
    pub fn drop_in_background(self) {
        // When no thread can be made, the closure, and the set with it, is dropped here.
        let _ = std::thread::Builder::new()
            .name("gotmpl-free".into())
            .spawn(move || drop(self));
    }

    /// An empty set. `name` is the set's own name, which Go quotes in
    /// `no template "x" associated with template "NAME"` (Helm's is `gotpl`).
    pub fn new(name: &str) -> Templates {
        Templates {
            name: name.to_string(),
            trees: HashMap::new(),
            funcs: Arc::new(FuncMap::new()),
            missingkey: MissingKey::Default,
            step_limit: None,
        }
    }

    /// Adds functions (replacing any of the same name). Like Go's `Funcs`, this must come
    /// before parsing texts that call them.
    pub fn funcs(&mut self, map: FuncMap) -> &mut Self {
        let funcs = Arc::make_mut(&mut self.funcs);
        funcs.extend(map);
        self
    }

    /// Adds or replaces one function.
    pub fn add_func(&mut self, name: &str, f: Function) -> &mut Self {
        Arc::make_mut(&mut self.funcs).insert(name.to_string(), f);
        self
    }

    /// Sets the `missingkey` option.
    pub fn option_missingkey(&mut self, mk: MissingKey) -> &mut Self {
        self.missingkey = mk;
        self
    }

    /// Bounds the work of one execution (nested executions from functions included):
    /// each node walked and each range iteration is a step, and going over the limit
    /// stops the execution with `execution step limit exceeded (N)`. Go has no such
    /// limit (`{{ range 1000000000000 }}` runs until done), so the default is none; set
    /// one to protect against hostile charts.
    pub fn option_step_limit(&mut self, limit: Option<u64>) -> &mut Self {
        self.step_limit = limit;
        self
    }

    /// The `missingkey` option in effect.
    pub fn missingkey(&self) -> MissingKey {
        self.missingkey
    }

    /// Parses `text` as the template `name` and adds it, with every template it defines,
    /// to the set (Go's `t.New(name).Parse(text)`). A later definition of a name replaces
    /// the earlier one, except that an empty body never replaces a non-empty one.
    pub fn parse(&mut self, name: &str, text: &str) -> Result<(), Error> {
        self.parse_inner(name, &Arc::from(text), false)
    }

    /// Like [`Templates::parse`] for a *new* template object named `name` (Go's
    /// `t.New(name).Parse(text)` followed by executing that object): its own body replaces
    /// any template of that name even when it is empty, as Go executes the new object's own
    /// tree. Helm's `tpl` relies on it: `tpl ""` renders nothing instead of re-running the
    /// enclosing `tpl` text that was parsed under the same name.
    /// The text may be given shared (`Arc<str>`): the tree keeps it without a copy.
    pub fn parse_new(&mut self, name: &str, text: impl Into<Arc<str>>) -> Result<(), Error> {
        self.parse_inner(name, &text.into(), true)
    }

    /// Parses several files into the set with the same outcome as [`Templates::parse`] on
    /// each in turn (the same definitions win, the first failing file's error is
    /// returned, with its index, and the files before it are added). Parsing a file
    /// depends on nothing but its text and the function names, so large sets are parsed
    /// on several threads.
    /// The texts are shared with the trees (which keep their source), not copied.
    pub fn parse_files(&mut self, files: &[(&str, Arc<str>)]) -> Result<(), (usize, Error)> {
        let total: usize = files.iter().map(|(_, text)| text.len()).sum();
        // Parsing cost is mostly per action; plain text (CRDs) is cheap.
        let cost =
            |text: &str| text.len() / 4 + 512 * memchr::memchr_iter(b'{', text.as_bytes()).count();
        let threads = worker_threads();
        if threads < 2 || total < PARALLEL_PARSE_MIN_BYTES || files.len() < 2 {
            for (i, (name, text)) in files.iter().enumerate() {
                self.parse_inner(name, text, false).map_err(|e| (i, e))?;
            }
            return Ok(());
        }
        // Files are handed out one at a time, costliest first, to whichever thread is free:
        // a helper that starts late (starting a thread took up to 2 ms on a virtual
        // machine) then simply takes fewer, and no thread sits idle while another still
        // has a fixed share to get through.
        let mut order: Vec<usize> = (0..files.len()).collect();
        order.sort_by_cached_key(|&i| std::cmp::Reverse(cost(&files[i].1)));
        let next = AtomicUsize::new(0);
        let slots: Vec<Mutex<Option<FileTrees>>> = files.iter().map(|_| Mutex::new(None)).collect();
        let work = || {
            while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                let (name, text) = &files[i];
                let trees = self.parse_tree(name, text);
                *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(trees);
            }
        };
        std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
            work();
            for helper in helpers {
                helper
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p));
            }
        });
        for (i, ((name, _), slot)) in files.iter().zip(slots).enumerate() {
            let trees = slot
                .into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .expect("every file is parsed before the threads are joined");
            self.add_trees(name, trees.map_err(|e| (i, e))?, false);
        }
        Ok(())
    }

    /// Parses one file into its trees without touching the set.
    fn parse_tree(&self, name: &str, text: &Arc<str>) -> Result<Vec<Tree>, Error> {
        let funcs = &self.funcs;
        let has_func = |n: &str| funcs.contains_key(n) || Builtin::lookup(n).is_some();
        with_stack(|guard| crate::parse::parse(name, text, &has_func, guard))
    }

    fn parse_inner(
        &mut self,
        name: &str,
        text: &Arc<str>,
        own_body_wins: bool,
    ) -> Result<(), Error> {
        let trees = self.parse_tree(name, text)?;
        self.add_trees(name, trees, own_body_wins);
        Ok(())
    }

    /// Adds a parsed file's trees (see [`Templates::parse`] for which definition wins).
    fn add_trees(&mut self, name: &str, trees: Vec<Tree>, own_body_wins: bool) {
        for tree in trees {
            if self.trees.contains_key(&tree.name)
                && tree.is_empty()
                && !(own_body_wins && tree.name == name)
            {
                continue;
            }
            self.trees.insert(tree.name.clone(), Arc::new(tree));
        }
    }

    /// Whether the set has a template of that name.
    pub fn has(&self, name: &str) -> bool {
        self.trees.contains_key(name)
    }

    /// The names of the templates in the set, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.trees.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// The set's own name.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn tree(&self, name: &str) -> Option<&Tree> {
        self.trees.get(name).map(|t| t.as_ref())
    }

    /// Executes the template `name` with `data` as dot (Go's `ExecuteTemplate`).
    ///
    /// Runs on the calling thread within a stack budget; a template nested deeper than
    /// that is abandoned and executed again from the start on a big-stack thread, so
    /// functions with outside effects may then see their calls twice (wrap the work in
    /// [`run_with_big_stack`] to avoid that).
    pub fn execute(&self, name: &str, data: &Value) -> Result<String, Error> {
        let mut out = String::new();
        self.execute_into(name, data, &mut out)?;
        Ok(out)
    }

    /// Like [`Templates::execute`], appending to `out`. On error, `out` holds what was
    /// written before the failure, as with Go's writer.
    pub fn execute_into(&self, name: &str, data: &Value, out: &mut String) -> Result<(), Error> {
        // A file renders to roughly its own size (CRDs: exactly). Reserving that much up
        // front costs nothing until written, where growing by doubling copied a large
        // output several times, each time into fresh memory.
        let size_hint = self.file_size_hint(name);
        let (r, produced) = with_stack(|guard| {
            let mut local = String::with_capacity(size_hint);
            let mut shared = Shared {
                guard: Some(guard),
                steps_left: self.step_limit,
                ..Shared::default()
            };
            let r = self.execute_nested(name, data, &mut local, &mut shared);
            if shared.out_of_stack {
                return None;
            }
            Some((r, local))
        });
        if out.is_empty() {
            *out = produced;
        } else {
            out.push_str(&produced);
        }
        r
    }

    /// The text size of `name` when it is a whole file's template (which renders to roughly
    /// its own size: CRDs exactly), 0 for a `define`d one (its tree holds its file's text).
    pub(crate) fn file_size_hint(&self, name: &str) -> usize {
        self.trees
            .get(name)
            .filter(|t| t.name == *t.parse_name)
            .map_or(0, |t| t.text.len())
    }

    /// Executes within an outer execution (from a function), sharing its depth accounting.
    pub(crate) fn execute_nested(
        &self,
        name: &str,
        data: &Value,
        out: &mut String,
        shared: &mut Shared,
    ) -> Result<(), Error> {
        let Some(tree) = self.trees.get(name) else {
            return Err(Error::NoTemplate {
                name: name.to_string(),
                set_name: self.name.clone(),
            });
        };
        if shared.depth >= crate::exec::MAX_EXEC_DEPTH {
            return Err(Error::Exec {
                name: name.to_string(),
                location: None,
                context: String::new(),
                message: format!(
                    "exceeded maximum template depth ({})",
                    crate::exec::MAX_EXEC_DEPTH
                ),
            });
        }
        if shared.guard.is_some_and(|g| g.exhausted()) {
            shared.out_of_stack = true;
            return Err(Error::Exec {
                name: name.to_string(),
                location: None,
                context: String::new(),
                message: "stack budget exhausted".into(),
            });
        }
        let dot = Rv::plain(data.clone());
        shared.depth += 1;
        let mut state = State {
            set: self,
            tree,
            at: At::None,
            vars: vec![("$", dot.clone())],
            vars_base: 0,
            depth: 0,
            out,
            shared,
        };
        let r = state.walk_list(&dot, &tree.root).map(|_| ());
        state.shared.depth -= 1;
        r.map_err(|e| *e)
    }
}
