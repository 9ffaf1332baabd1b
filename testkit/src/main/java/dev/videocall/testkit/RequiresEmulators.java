package dev.videocall.testkit;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Skips a test class, visibly and with the reason, when {@link EmulatorSupport} finds no emulators:
 * such tests are reported as skipped, never as passed.
 */
public final class RequiresEmulators implements ExecutionCondition {
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return EmulatorSupport.hosts().isPresent()
        ? ConditionEvaluationResult.enabled("emulators found")
        : ConditionEvaluationResult.disabled(EmulatorSupport.whyMissing());
  }
}
