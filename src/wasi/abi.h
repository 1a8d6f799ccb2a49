// wasi_snapshot_preview1 constants and wasm32 struct layouts (typenames.witx / docs.md).
#pragma once

#include <cstdint>

namespace midimon::wasi::abi {

// --- rights (bit positions in declaration order) ---
inline constexpr uint64_t kRightFdDatasync = 1ull << 0;
inline constexpr uint64_t kRightFdRead = 1ull << 1;
inline constexpr uint64_t kRightFdSeek = 1ull << 2;
inline constexpr uint64_t kRightFdFdstatSetFlags = 1ull << 3;
inline constexpr uint64_t kRightFdSync = 1ull << 4;
inline constexpr uint64_t kRightFdTell = 1ull << 5;
inline constexpr uint64_t kRightFdWrite = 1ull << 6;
inline constexpr uint64_t kRightFdAdvise = 1ull << 7;
inline constexpr uint64_t kRightFdAllocate = 1ull << 8;
inline constexpr uint64_t kRightPathCreateDirectory = 1ull << 9;
inline constexpr uint64_t kRightPathCreateFile = 1ull << 10;
inline constexpr uint64_t kRightPathLinkSource = 1ull << 11;
inline constexpr uint64_t kRightPathLinkTarget = 1ull << 12;
inline constexpr uint64_t kRightPathOpen = 1ull << 13;
inline constexpr uint64_t kRightFdReaddir = 1ull << 14;
inline constexpr uint64_t kRightPathReadlink = 1ull << 15;
inline constexpr uint64_t kRightPathRenameSource = 1ull << 16;
inline constexpr uint64_t kRightPathRenameTarget = 1ull << 17;
inline constexpr uint64_t kRightPathFilestatGet = 1ull << 18;
inline constexpr uint64_t kRightPathFilestatSetSize = 1ull << 19;
inline constexpr uint64_t kRightPathFilestatSetTimes = 1ull << 20;
inline constexpr uint64_t kRightFdFilestatGet = 1ull << 21;
inline constexpr uint64_t kRightFdFilestatSetSize = 1ull << 22;
inline constexpr uint64_t kRightFdFilestatSetTimes = 1ull << 23;
inline constexpr uint64_t kRightPathSymlink = 1ull << 24;
inline constexpr uint64_t kRightPathRemoveDirectory = 1ull << 25;
inline constexpr uint64_t kRightPathUnlinkFile = 1ull << 26;
inline constexpr uint64_t kRightPollFdReadwrite = 1ull << 27;
inline constexpr uint64_t kRightSockShutdown = 1ull << 28;
inline constexpr uint64_t kRightSockAccept = 1ull << 29;

inline constexpr uint64_t kRightsFile =
    kRightFdDatasync | kRightFdRead | kRightFdSeek | kRightFdFdstatSetFlags | kRightFdSync |
    kRightFdTell | kRightFdWrite | kRightFdAdvise | kRightFdAllocate | kRightFdFilestatGet |
    kRightFdFilestatSetSize | kRightFdFilestatSetTimes | kRightPollFdReadwrite;
inline constexpr uint64_t kRightsDir =
    kRightFdFdstatSetFlags | kRightFdSync | kRightFdDatasync | kRightPathCreateDirectory |
    kRightPathCreateFile | kRightPathLinkSource | kRightPathLinkTarget | kRightPathOpen |
    kRightFdReaddir | kRightPathReadlink | kRightPathRenameSource | kRightPathRenameTarget |
    kRightPathFilestatGet | kRightPathFilestatSetSize | kRightPathFilestatSetTimes |
    kRightFdFilestatGet | kRightFdFilestatSetTimes | kRightPathSymlink |
    kRightPathRemoveDirectory | kRightPathUnlinkFile;
// Rights that change the file system; a read-only preopen never carries them.
inline constexpr uint64_t kRightsMutating =
    kRightFdWrite | kRightFdAllocate | kRightPathCreateDirectory | kRightPathCreateFile |
    kRightPathLinkSource | kRightPathLinkTarget | kRightPathRenameSource |
    kRightPathRenameTarget | kRightPathFilestatSetSize | kRightPathFilestatSetTimes |
    kRightFdFilestatSetSize | kRightFdFilestatSetTimes | kRightPathSymlink |
    kRightPathRemoveDirectory | kRightPathUnlinkFile;

// --- enums and flags ---
enum FileType : uint8_t {
  kFileUnknown = 0, kFileBlockDevice = 1, kFileCharDevice = 2, kFileDirectory = 3,
  kFileRegular = 4, kFileSocketDgram = 5, kFileSocketStream = 6, kFileSymlink = 7,
};
inline constexpr uint16_t kFdflagAppend = 1 << 0, kFdflagDsync = 1 << 1,
                          kFdflagNonblock = 1 << 2, kFdflagRsync = 1 << 3, kFdflagSync = 1 << 4;
inline constexpr uint16_t kOflagCreat = 1 << 0, kOflagDirectory = 1 << 1, kOflagExcl = 1 << 2,
                          kOflagTrunc = 1 << 3;
inline constexpr uint32_t kLookupSymlinkFollow = 1 << 0;
inline constexpr uint16_t kFstAtim = 1 << 0, kFstAtimNow = 1 << 1, kFstMtim = 1 << 2,
                          kFstMtimNow = 1 << 3;
inline constexpr uint8_t kWhenceSet = 0, kWhenceCur = 1, kWhenceEnd = 2;
inline constexpr uint32_t kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCpu = 2,
                          kClockThreadCpu = 3;
inline constexpr uint8_t kEventClock = 0, kEventFdRead = 1, kEventFdWrite = 2;
inline constexpr uint16_t kSubclockAbstime = 1 << 0;
inline constexpr uint8_t kAdviceMax = 5;  // normal..noreuse

// --- wasm32 layouts (size, field offsets) ---
inline constexpr uint32_t kIovecSize = 8;        // buf u32 @0, len u32 @4
inline constexpr uint32_t kFdstatSize = 24;      // filetype u8 @0, flags u16 @2, base @8, inh @16
inline constexpr uint32_t kFilestatSize = 64;    // dev, ino, filetype@16, nlink@24, size@32, a/m/ctim
inline constexpr uint32_t kDirentSize = 24;      // next u64 @0, ino @8, namlen u32 @16, type u8 @20
inline constexpr uint32_t kPrestatSize = 8;      // tag u8 @0, name_len u32 @4
inline constexpr uint32_t kSubscriptionSize = 48;
inline constexpr uint32_t kEventSize = 32;

}  // namespace midimon::wasi::abi
