"use client";

import * as React from "react";
import { Slider as SliderPrimitive } from "radix-ui";

import { cn } from "@/lib/utils";

type SliderProps = React.ComponentProps<typeof SliderPrimitive.Root> & {
  /**
   * Accessible names of the thumbs, in order, e.g. `["From", "To"]` for a range.
   * Without them a single thumb takes the slider's `aria-label` / `aria-labelledby`,
   * and a two-thumb range is named "Minimum" and "Maximum".
   */
  thumbLabels?: readonly string[];
  /** Text read out for a thumb's value instead of the bare number, e.g. `(v) => `${v} %``. */
  getValueText?: (value: number, index: number) => string;
};

/**
 * A slider with one thumb per value: `defaultValue={[20, 80]}` (or a controlled
 * `value`) gives a from/to range with two thumbs. Each thumb is a keyboard-operable
 * role="slider" (arrows, Page Up/Down, Home/End). With `name`, the values are
 * submitted with a native <form> (`name[]` for a range).
 */
function Slider({
  className,
  defaultValue,
  value,
  min = 0,
  max = 100,
  thumbLabels,
  getValueText,
  onValueChange,
  "aria-label": ariaLabel,
  "aria-labelledby": ariaLabelledBy,
  ...props
}: SliderProps) {
  // One thumb per value Radix holds; with neither `value` nor `defaultValue` it holds [min].
  // Uncontrolled values are mirrored here only so that each thumb can get its value text.
  const [uncontrolledValues, setUncontrolledValues] = React.useState(() => defaultValue ?? [min]);
  const values = value ?? uncontrolledValues;
  const single = values.length === 1;
  const hasGroupName = ariaLabel !== undefined || ariaLabelledBy !== undefined;

  // Radix names two thumbs "Minimum"/"Maximum" itself, but an explicit
  // `aria-label={undefined}` would erase that: pass only the attributes that are set.
  function thumbNaming(index: number): { "aria-label"?: string; "aria-labelledby"?: string } {
    const label = thumbLabels?.[index];
    if (label !== undefined) return { "aria-label": label };
    if (!single) return {};
    if (ariaLabelledBy !== undefined) return { "aria-labelledby": ariaLabelledBy };
    return ariaLabel !== undefined ? { "aria-label": ariaLabel } : {};
  }

  return (
    <SliderPrimitive.Root
      data-slot="slider"
      defaultValue={value === undefined ? uncontrolledValues : undefined}
      value={value}
      min={min}
      max={max}
      aria-label={single ? undefined : ariaLabel}
      aria-labelledby={single ? undefined : ariaLabelledBy}
      role={!single && hasGroupName ? "group" : undefined}
      className={cn(
        "relative flex w-full touch-none items-center select-none data-[disabled]:opacity-50 data-[orientation=horizontal]:min-h-4 data-[orientation=vertical]:h-full data-[orientation=vertical]:min-h-44 data-[orientation=vertical]:w-auto data-[orientation=vertical]:flex-col",
        className,
      )}
      onValueChange={(next) => {
        if (value === undefined) setUncontrolledValues(next);
        onValueChange?.(next);
      }}
      {...props}
    >
      <SliderPrimitive.Track
        data-slot="slider-track"
        className="relative grow overflow-hidden rounded-full bg-muted-foreground/20 data-[orientation=horizontal]:h-1.5 data-[orientation=horizontal]:w-full data-[orientation=vertical]:h-full data-[orientation=vertical]:w-1.5"
      >
        <SliderPrimitive.Range
          data-slot="slider-range"
          className="absolute bg-primary data-[orientation=horizontal]:h-full data-[orientation=vertical]:w-full"
        />
      </SliderPrimitive.Track>
      {values.map((thumbValue, index) => (
        <SliderPrimitive.Thumb
          data-slot="slider-thumb"
          key={index}
          {...thumbNaming(index)}
          aria-valuetext={getValueText?.(thumbValue, index)}
          className="block size-4 shrink-0 rounded-full border border-primary bg-background shadow-sm ring-ring/50 transition-[color,box-shadow] hover:ring-4 focus-visible:ring-4 focus-visible:outline-hidden disabled:pointer-events-none disabled:opacity-50"
        />
      ))}
    </SliderPrimitive.Root>
  );
}

export { Slider };
