// SPDX-License-Identifier: Apache-2.0
// SBI FWFT (ext-firmware-features.adoc) through vmexit_handler against the
// fake arch: what each feature answers on machines with and without the
// hardware and firmware support behind it, the lock, and the reset.

#include <gtest/gtest.h>

#include "halyard/sbi.hpp"
#include "vm/vcpu_features.hpp"
#include "vm/vm_setup.hpp"
#include "vm_fixture.hpp"

namespace halyard::testing {
namespace {

class SbiFwft : public VmFixture {
  protected:
    void TearDown() override { set_machine_features({}); }

    void fwft_get(uint64_t feature) { sbi_call(sbi::kEidFwft, sbi::kFwftGet, feature); }
    int64_t fwft_set(uint64_t feature, uint64_t value, uint64_t flags = 0) {
        sbi_call(sbi::kEidFwft, sbi::kFwftSet, feature, value, flags);
        return sbi_error();
    }
};

constexpr uint64_t kDefined[] = {sbi::kFwftMisalignedExcDeleg, sbi::kFwftLandingPad,
                                 sbi::kFwftShadowStack,        sbi::kFwftDoubleTrap,
                                 sbi::kFwftPteAdHwUpdating,    sbi::kFwftPointerMaskingPmlen};

TEST_F(SbiFwft, IsProbedPresent) {
    sbi_call(sbi::kEidBase, sbi::kBaseProbeExtension, sbi::kEidFwft);
    EXPECT_EQ(sbi_value(), 1u);
}

TEST_F(SbiFwft, DefinedFeaturesWithoutSupportAreNotSupported) {
    set_machine_features({});
    for (uint64_t feature : kDefined) {
        reg(kA1) = 0x55;
        fwft_get(feature);
        EXPECT_EQ(sbi_error(), sbi::kErrNotSupported) << feature;
        EXPECT_EQ(sbi_value(), 0u) << "value is zero on failure";
        EXPECT_EQ(fwft_set(feature, 0), sbi::kErrNotSupported) << feature;
        EXPECT_EQ(fwft_set(feature, 1, sbi::kFwftFlagLock), sbi::kErrNotSupported) << feature;
    }
}

TEST_F(SbiFwft, ReservedAndPlatformFeaturesAreDenied) {
    set_machine_features({0, true, true});
    for (uint64_t feature : {0x6ull, 0x3FFFFFFFull, 0x40000000ull, 0x7FFFFFFFull, 0x80000000ull,
                             0xBFFFFFFFull, 0xC0000000ull, 0xFFFFFFFFull}) {
        fwft_get(feature);
        EXPECT_EQ(sbi_error(), sbi::kErrDenied) << std::hex << feature;
        EXPECT_EQ(fwft_set(feature, 0), sbi::kErrDenied) << std::hex << feature;
    }
}

TEST_F(SbiFwft, UnknownFunctionIsNotSupported) {
    sbi_call(sbi::kEidFwft, 2, sbi::kFwftPteAdHwUpdating);
    EXPECT_EQ(sbi_error(), sbi::kErrNotSupported);
}

TEST_F(SbiFwft, PteAdHwUpdatingSwitchesHenvcfgAdueOnThisHart) {
    set_machine_features({henvcfg::kPbmte | henvcfg::kStce, true, false});
    vm_.guest_has_sstc = true;
    fwft_get(sbi::kFwftPteAdHwUpdating);
    EXPECT_EQ(sbi_error(), 0);
    EXPECT_EQ(sbi_value(), 0u) << "reset value 0";

    EXPECT_EQ(fwft_set(sbi::kFwftPteAdHwUpdating, 1), 0);
    EXPECT_EQ(fake::hart[Csr::henvcfg], henvcfg::kPbmte | henvcfg::kStce | henvcfg::kAdue);
    fwft_get(sbi::kFwftPteAdHwUpdating);
    EXPECT_EQ(sbi_value(), 1u);
    EXPECT_EQ(fwft_set(sbi::kFwftPteAdHwUpdating, 1), 0) << "setting the current value succeeds";

    EXPECT_EQ(fwft_set(sbi::kFwftPteAdHwUpdating, 0), 0);
    EXPECT_EQ(fake::hart[Csr::henvcfg], henvcfg::kPbmte | henvcfg::kStce);
}

TEST_F(SbiFwft, BadValuesAndReservedFlagsAreInvalidAndChangeNothing) {
    set_machine_features({0, true, false});
    EXPECT_EQ(fwft_set(sbi::kFwftPteAdHwUpdating, 2), sbi::kErrInvalidParam);
    EXPECT_EQ(fwft_set(sbi::kFwftPteAdHwUpdating, 1, 2), sbi::kErrInvalidParam);
    EXPECT_EQ(fwft_set(sbi::kFwftPteAdHwUpdating, 1, 1ull << 63), sbi::kErrInvalidParam);
    fwft_get(sbi::kFwftPteAdHwUpdating);
    EXPECT_EQ(sbi_value(), 0u);
    EXPECT_FALSE(vcpu().features.locked) << "a refused set with LOCK does not lock";
}

TEST_F(SbiFwft, FeatureIsThe32BitLowHalfOfA0) {
    set_machine_features({0, true, false});
    EXPECT_EQ(fwft_set((1ull << 32) | sbi::kFwftPteAdHwUpdating, 1), 0);
    EXPECT_TRUE(vcpu().features.pte_ad_hw_updating);
}

TEST_F(SbiFwft, LockedFeatureRefusesEverySetUntilTheVcpuIsReset) {
    set_machine_features({0, true, false});
    EXPECT_EQ(fwft_set(sbi::kFwftPteAdHwUpdating, 1, sbi::kFwftFlagLock), 0);
    EXPECT_EQ(fwft_set(sbi::kFwftPteAdHwUpdating, 0), sbi::kErrDeniedLocked);
    EXPECT_EQ(fwft_set(sbi::kFwftPteAdHwUpdating, 1), sbi::kErrDeniedLocked);
    fwft_get(sbi::kFwftPteAdHwUpdating);
    EXPECT_EQ(sbi_error(), 0) << "get still works";
    EXPECT_EQ(sbi_value(), 1u);

    reset_vcpu(vcpu());
    fwft_get(sbi::kFwftPteAdHwUpdating);
    EXPECT_EQ(sbi_value(), 0u) << "local features return to their reset value";
    EXPECT_EQ(fwft_set(sbi::kFwftPteAdHwUpdating, 1), 0) << "and are unlocked";
}

TEST_F(SbiFwft, MisalignedDelegationGoesToTheFirmwareOfThisHart) {
    set_machine_features({0, false, true});
    fwft_get(sbi::kFwftMisalignedExcDeleg);
    EXPECT_EQ(sbi_error(), 0);
    EXPECT_EQ(sbi_value(), 0u) << "Halyard's reset value: the firmware emulates";

    fake::hart.firmware_calls.clear();
    EXPECT_EQ(fwft_set(sbi::kFwftMisalignedExcDeleg, 1), 0);
    ASSERT_EQ(fake::hart.firmware_calls.size(), 1u);
    EXPECT_EQ(fake::hart.firmware_calls[0].eid, sbi::kEidFwft);
    EXPECT_EQ(fake::hart.firmware_calls[0].fid, sbi::kFwftSet);
    EXPECT_EQ(fake::hart.firmware_calls[0].arg0, sbi::kFwftMisalignedExcDeleg);
    EXPECT_EQ(fake::hart.firmware_calls[0].arg1, 1u);
    fwft_get(sbi::kFwftMisalignedExcDeleg);
    EXPECT_EQ(sbi_value(), 1u);

    // Entering the hart again (after a reset, say) reloads the vCPU's choice.
    reset_vcpu(vcpu());
    fake::hart.firmware_calls.clear();
    load_vcpu_features(vcpu());
    ASSERT_EQ(fake::hart.firmware_calls.size(), 1u);
    EXPECT_EQ(fake::hart.firmware_calls[0].arg1, 0u);
}

TEST_F(SbiFwft, HenvcfgKeepsStceOnlyForGuestsWithSstc) {
    set_machine_features({henvcfg::kStce | henvcfg::kCbze, false, false});
    vm_.guest_has_sstc = false;
    EXPECT_EQ(vcpu_henvcfg(vcpu()), henvcfg::kCbze);
    vm_.guest_has_sstc = true;
    EXPECT_EQ(vcpu_henvcfg(vcpu()), henvcfg::kCbze | henvcfg::kStce);
    vcpu().features.pte_ad_hw_updating = true;  // without Svadu: never ADUE
    EXPECT_EQ(vcpu_henvcfg(vcpu()), henvcfg::kCbze | henvcfg::kStce);
}

}  // namespace
}  // namespace halyard::testing
