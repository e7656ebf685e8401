//===- instrument.cpp - the IR pass: sites, enter and exit calls ---------===//
//
// Runs at the start of the optimization pipeline (before the inliner, so a
// function inlined at -O2 still carries its calls; at -O0 too). For every
// function the frontend annotated "hotpath.site..." it emits one site and
// the two calls of the runtime ABI (runtime/include/hotpath/hotpath.h):
//
//   static int parse(const char *s) { ... return n; }
//
// becomes
//
//   @__hotpath_site.parse = internal global %hotpath_site
//       { "basic::parse", "basic.c", i32 12, i32 0, i32 0, i32 0, null, zeroinitializer }
//   (a main site: kind 2, flags from its options, its percentiles string)
//   define internal i32 @parse(ptr %s) personality ... {
//     %tok = call i64 @hotpath_enter(ptr @__hotpath_site.parse)
//     ...
//     call void @hotpath_exit(ptr @__hotpath_site.parse, i64 %tok)
//     ret i32 %n
//   hotpath.cleanup:                        ; a C++ exception passing through
//     %lp = landingpad { ptr, i32 } cleanup
//     call void @hotpath_exit(ptr @__hotpath_site.parse, i64 %tok)
//     resume { ptr, i32 } %lp
//   }
//
// The exits are placed by EscapeEnumerator (as ThreadSanitizer does): every
// return, every resume, and a cleanup landing pad for each call that may
// throw. The runtime calls are nounwind. A `musttail` call must stay right
// before its return, so the exit goes before that call.
//
//===----------------------------------------------------------------------===//
#include "hotpath-clang.h"

using namespace llvm;

namespace {

struct Runtime {
  PointerType *Ptr;
  StructType *SiteTy;
  FunctionCallee Enter, Exit;
};

Runtime declareRuntime(Module &M) {
  LLVMContext &C = M.getContext();
  Runtime R;
  R.Ptr = PointerType::getUnqual(Type::getInt8Ty(C));
  Type *I32 = Type::getInt32Ty(C), *I64 = Type::getInt64Ty(C);
  // struct hotpath_site: name, file, line, kind, id, flags, percentiles,
  // reserved[2] (56 bytes on x86-64).
  R.SiteTy = StructType::get(C, {R.Ptr, R.Ptr, I32, I32, I32, I32, R.Ptr, ArrayType::get(I64, 2)});
  AttributeList NoUnwind =
      AttributeList::get(C, AttributeList::FunctionIndex, {Attribute::NoUnwind});
  R.Enter = M.getOrInsertFunction("hotpath_enter", NoUnwind, I64, R.Ptr);
  R.Exit = M.getOrInsertFunction("hotpath_exit", NoUnwind, Type::getVoidTy(C), R.Ptr, I64);
  for (FunctionCallee *FC : {&R.Enter, &R.Exit})
    if (auto *F = dyn_cast<Function>(FC->getCallee()->stripPointerCasts()))
      F->setDoesNotThrow();
  return R;
}

Constant *stringConstant(Module &M, Runtime &R, StringRef S, const Twine &Name) {
  Constant *Data = ConstantDataArray::getString(M.getContext(), S, /*AddNull=*/true);
  auto *GV = new GlobalVariable(M, Data->getType(), /*isConstant=*/true,
                                GlobalValue::PrivateLinkage, Data, Name);
  GV->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
  GV->setAlignment(Align(1));
  return ConstantExpr::getPointerCast(GV, R.Ptr);
}

GlobalVariable *makeSite(Module &M, Runtime &R, const hotpath::Site &S, StringRef FnName) {
  LLVMContext &C = M.getContext();
  Type *I32 = Type::getInt32Ty(C);
  Constant *Pct = S.Percentiles.empty()
                      ? static_cast<Constant *>(ConstantPointerNull::get(R.Ptr))
                      : stringConstant(M, R, S.Percentiles, "__hotpath_pct");
  Constant *Fields[] = {stringConstant(M, R, S.Name, "__hotpath_name"),
                        stringConstant(M, R, S.File, "__hotpath_file"),
                        ConstantInt::get(I32, S.Line),
                        ConstantInt::get(I32, S.Kind),
                        ConstantInt::get(I32, 0),
                        ConstantInt::get(I32, S.Flags),
                        Pct,
                        ConstantAggregateZero::get(R.SiteTy->getElementType(7))};
  auto *GV = new GlobalVariable(M, R.SiteTy, /*isConstant=*/false, GlobalValue::InternalLinkage,
                                ConstantStruct::get(R.SiteTy, Fields),
                                "__hotpath_site." + FnName);
  GV->setAlignment(Align(8));
  return GV;
}

// A location for calls that have none (entry, landing pads), so that
// inlining and the verifier are content in functions with debug info.
DebugLoc scopeLoc(Function &F) {
  if (DISubprogram *SP = F.getSubprogram())
    return DILocation::get(F.getContext(), SP->getScopeLine(), 0, SP);
  return DebugLoc();
}

// The instrumentation proper: one free function over a function.
bool instrumentFunction(Function &F, Runtime &R, const hotpath::Site &S) {
  if (F.isDeclaration() || F.hasFnAttribute(Attribute::Naked) || hp::isPresplitCoroutine(F) ||
      F.hasFnAttribute("hotpath-instrumented"))
    return false;
  Constant *Site = ConstantExpr::getPointerCast(makeSite(*F.getParent(), R, S, F.getName()), R.Ptr);
  DebugLoc DL = scopeLoc(F);

  BasicBlock &Entry = F.getEntryBlock();
  BasicBlock::iterator IP = Entry.getFirstInsertionPt();
  while (IP != Entry.end() && isa<AllocaInst>(*IP))
    ++IP;
  IRBuilder<> B(&Entry, IP);
  B.SetCurrentDebugLocation(DL);
  CallInst *Token = B.CreateCall(R.Enter, {Site}, "hotpath.token");
  Token->setDoesNotThrow();

  EscapeEnumerator EE(F, "hotpath.cleanup", /*HandleExceptions=*/true);
  while (IRBuilder<> *EB = EE.Next()) {
    Instruction *At = &*EB->GetInsertPoint();
    if (isa<ReturnInst>(At))
      if (CallInst *MustTail = At->getParent()->getTerminatingMustTailCall())
        EB->SetInsertPoint(MustTail);
    if (!EB->getCurrentDebugLocation())
      EB->SetCurrentDebugLocation(DL);
    EB->CreateCall(R.Exit, {Site, Token})->setDoesNotThrow();
  }
  F.addFnAttr("hotpath-instrumented");
  return true;
}

// The size of a function as the pass sees it (at the start of the
// pipeline, before any inlining, at every -O level): its IR instructions
// but allocas and debug and lifetime intrinsics, which the frontend emits
// for every local and the optimizer drops, and UBSan's handler blocks; and
// whether it loops (a back edge in its CFG) or calls a function that is
// not an intrinsic.
struct Size {
  unsigned Instructions = 0;
  bool Loop = false, Call = false;
};

// A block of a check that -fsanitize=undefined put in (Clang's front end
// emits them, so the pass sees them): the call of its __ubsan_handle_
// function. Its blocks are not the function's own code: a tiny function
// built with UBSan is as small as without (the checks' compare and branch
// on the main path still count).
bool isSanitizerHandlerBlock(const BasicBlock &BB) {
  for (const Instruction &I : BB)
    if (const auto *CB = dyn_cast<CallBase>(&I))
      if (const Function *Callee = CB->getCalledFunction())
        if (hp::startsWith(Callee->getName(), "__ubsan_handle_"))
          return true;
  return false;
}

Size functionSize(const Function &F) {
  Size S;
  for (const BasicBlock &BB : F) {
    if (isSanitizerHandlerBlock(BB))
      continue;
    for (const Instruction &I : BB) {
      if (isa<AllocaInst>(I) || isa<DbgInfoIntrinsic>(I) || I.isLifetimeStartOrEnd())
        continue;
      ++S.Instructions;
      if (const auto *CB = dyn_cast<CallBase>(&I))
        if (!isa<IntrinsicInst>(CB) && !CB->isInlineAsm())
          S.Call = true;
    }
  }
  SmallVector<std::pair<const BasicBlock *, const BasicBlock *>, 4> BackEdges;
  FindFunctionBackedges(F, BackEdges);
  S.Loop = !BackEdges.empty();
  return S;
}

// A function include= selected that is too small to measure meaningfully:
// a leaf without loops under its site's min-size (said under verbose).
bool tooSmall(const Function &F, const hotpath::Site &S) {
  if (!S.MinSize || F.isDeclaration())
    return false;
  Size Sz = functionSize(F);
  bool Small = !Sz.Loop && !Sz.Call && Sz.Instructions < S.MinSize;
  hotpath::remarkSize(S, !Small, Sz.Instructions);
  return Small;
}

// The string of an annotation entry's second field.
StringRef annotationString(Value *V) {
  auto *GV = dyn_cast<GlobalVariable>(V->stripPointerCasts());
  if (!GV || !GV->hasInitializer())
    return "";
  auto *CDA = dyn_cast<ConstantDataArray>(GV->getInitializer());
  return CDA && CDA->isCString() ? CDA->getAsCString() : "";
}

bool isHotpathAnnotation(StringRef S) {
  return S == "hotpath" || S == "hotpath::main" || hp::startsWith(S, hotpath::SiteTag) ||
         hp::startsWith(S, hotpath::AttrTag);
}

// Takes the hotpath entries out of @llvm.global.annotations (they would
// keep functions alive that the optimizer may drop) and returns the sites.
bool takeSites(Module &M, SmallVectorImpl<std::pair<Function *, hotpath::Site>> &Out) {
  GlobalVariable *GA = M.getNamedGlobal("llvm.global.annotations");
  auto *Arr = GA && GA->hasInitializer() ? dyn_cast<ConstantArray>(GA->getInitializer()) : nullptr;
  if (!Arr)
    return false;
  SmallVector<Constant *, 16> Keep;
  SmallPtrSet<GlobalVariable *, 16> Strings;
  for (Value *Op : Arr->operands()) {
    auto *E = dyn_cast<ConstantStruct>(Op);
    StringRef Str = E && E->getNumOperands() >= 2 ? annotationString(E->getOperand(1)) : "";
    if (!isHotpathAnnotation(Str)) {
      Keep.push_back(cast<Constant>(Op));
      continue;
    }
    Strings.insert(cast<GlobalVariable>(E->getOperand(1)->stripPointerCasts()));
    hotpath::Site S;
    auto *F = dyn_cast<Function>(E->getOperand(0)->stripPointerCasts());
    if (F && !F->isDeclaration() && hotpath::decodeSite(Str, S))
      Out.emplace_back(F, std::move(S));
  }
  if (Keep.size() == Arr->getNumOperands())
    return false;
  if (!Keep.empty()) {
    auto *AT = ArrayType::get(Arr->getType()->getElementType(), Keep.size());
    auto *NewGA = new GlobalVariable(M, AT, GA->isConstant(), GA->getLinkage(),
                                     ConstantArray::get(AT, Keep), "", GA);
    NewGA->setSection(GA->getSection());
    NewGA->takeName(GA);
  }
  GA->eraseFromParent();
  for (GlobalVariable *GV : Strings) {
    GV->removeDeadConstantUsers();
    if (GV->use_empty() && GV->hasLocalLinkage())
      GV->eraseFromParent();
  }
  return true;
}

// Instruments every function of M the frontend selected; true if M changed.
bool instrumentModule(Module &M) {
  SmallVector<std::pair<Function *, hotpath::Site>, 16> Sites;
  bool Changed = takeSites(M, Sites);
  SmallPtrSet<Function *, 8> Skip;
  for (hotpath::RememberedSite &RS : hotpath::takeRememberedSites()) {
    Function *F = M.getFunction(RS.Symbol);
    if (!F || F->isDeclaration())
      continue;
    if (RS.Skip)
      Skip.insert(F);
    else
      Sites.emplace_back(F, std::move(RS.S));
  }
  if (!Sites.empty()) {
    Runtime R = declareRuntime(M);
    for (auto &FS : Sites)
      if (!Skip.count(FS.first) && !tooSmall(*FS.first, FS.second))
        Changed |= instrumentFunction(*FS.first, R, FS.second);
  }
  return Changed;
}

struct HotpathPass : PassInfoMixin<HotpathPass> {
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    return instrumentModule(M) ? PreservedAnalyses::none() : PreservedAnalyses::all();
  }
  // Also at -O0 and in optnone functions.
  static bool isRequired() { return true; }
};

// Set by the frontend for a unit whose IR leaves the compiler without the
// optimization pipeline (see hotpath-clang.h).
bool InstrumentWithoutPipeline = false;

void registerCallbacks(PassBuilder &PB) {
  PB.registerPipelineStartEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel) { MPM.addPass(HotpathPass()); });
  // opt -load-pass-plugin=hotpath-clang.so -passes=hotpath
  PB.registerPipelineParsingCallback(
      [](StringRef Name, ModulePassManager &MPM, ArrayRef<PassBuilder::PipelineElement>) {
        if (Name != "hotpath")
          return false;
        MPM.addPass(HotpathPass());
        return true;
      });
  // -disable-llvm-passes (the bitcode step of -save-temps): the pipeline
  // above is never built and only the writer of the output runs, so the
  // module is instrumented just before the first pass that runs on it.
  // The bitcode then carries the calls (before any inlining, which happens
  // in the next step), and needs no plugin to be compiled further.
  if (PassInstrumentationCallbacks *PIC = PB.getPassInstrumentationCallbacks())
    PIC->registerBeforeNonSkippedPassCallback([](StringRef, Any IR) {
      if (!InstrumentWithoutPipeline)
        return;
      if (const Module *const *M = any_cast<const Module *>(&IR)) {
        InstrumentWithoutPipeline = false;
        instrumentModule(const_cast<Module &>(**M));
      }
    });
}

} // namespace

void hotpath::instrumentWithoutPipeline(bool On) { InstrumentWithoutPipeline = On; }

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "hotpath", "0.1", registerCallbacks};
}
