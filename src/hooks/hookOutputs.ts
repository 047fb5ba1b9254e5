/** Forward hooks on tfjs layers: capture chosen layers' outputs during the model's own forward pass. */
import { tf, tfl } from '../backend/tf.js';

type Layer = tfl.layers.Layer;
type CallFn = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

/** A handle on hooks installed by {@link hookOutputs}. */
export interface OutputHooks {
  /**
   * The captured outputs, one per hooked layer, in the order of `layerNames`. Throws if a layer has
   * not run since the hooks were installed, or if its captured tensor has been disposed (its scope ended).
   */
  outputs(): tf.Tensor[];
  /** Restore every hooked layer's `call` and release every captured tensor. Idempotent. */
  remove(): void;
}

/** One capture slot per (hook, layer); the hook owns `value` (a kept tensor) when `owned`. */
interface Slot {
  value?: tf.Tensor;
  owned: boolean;
}

/** Per-layer registry: one wrapper installed while any hook listens, the original restored after. */
interface Registry {
  slots: Set<Slot>;
  hadOwnCall: boolean;
  ownCall: unknown;
}

const registries = new WeakMap<Layer, Registry>();

function release(slot: Slot): void {
  if (slot.owned && slot.value && !slot.value.isDisposed) slot.value.dispose();
  slot.value = undefined;
  slot.owned = false;
}

function attach(layer: Layer, slot: Slot): void {
  let reg = registries.get(layer);
  if (!reg) {
    const target = layer as unknown as { call: CallFn };
    const hadOwnCall = Object.prototype.hasOwnProperty.call(layer, 'call');
    reg = { slots: new Set(), hadOwnCall, ownCall: hadOwnCall ? target.call : undefined };
    const original = target.call;
    const slots = reg.slots;
    target.call = function hookedCall(this: Layer, inputs, kwargs) {
      const out = original.call(this, inputs, kwargs);
      const list = Array.isArray(out) ? out : [out];
      // The executor (model.apply and model.predict alike) disposes each activation once the next
      // layer has consumed it. So the hooks keep the layer's own output tensor and hand the rest of
      // the network tf.clone of it: same data buffer (no copy), identity gradient.
      for (const s of slots) {
        release(s);
        s.value = tf.keep(list[0]);
        s.owned = true;
      }
      const passOn = list.map((t) => tf.clone(t));
      return Array.isArray(out) ? passOn : passOn[0];
    };
    registries.set(layer, reg);
  }
  reg.slots.add(slot);
}

function detach(layer: Layer, slot: Slot): void {
  release(slot);
  const reg = registries.get(layer);
  if (!reg) return;
  reg.slots.delete(slot);
  if (reg.slots.size > 0) return;
  const target = layer as unknown as Record<string, unknown>;
  if (reg.hadOwnCall) target.call = reg.ownCall;
  else delete target.call;
  registries.delete(layer);
}

/** Find a layer by name, or throw a RangeError listing the model's layer names. */
export function findLayer(model: tfl.LayersModel, name: string, field = 'layer'): Layer {
  const layer = model.layers.find((l) => l.name === name);
  if (!layer) {
    throw new RangeError(`${field} ${JSON.stringify(name)} is not a layer of model '${model.name}'; available: ${model.layers.map((l) => l.name).join(', ')}`);
  }
  return layer;
}

/**
 * Forward hooks (PyTorch `register_forward_hook`, fastai's `SaveFeatures`): while installed, every
 * forward pass of `model` (`model.apply`, `model.predict`, or any other model sharing these layer
 * instances) records the output of each named layer. The layer's `call` is wrapped on the instance;
 * `remove()` restores it exactly (deletes the own property) and releases every captured tensor.
 * Several hooks on one layer share one wrapper.
 *
 * What is captured: the layer's own output tensor, the one its `call` produced (not a copy), so
 * inside gradient recording (`tf.variableGrads`, `tf.valueAndGrad`, an optimizer's `step(closure)`)
 * losses on it differentiate through the network. The layers after it receive `tf.clone` of it (same
 * data buffer, identity gradient): the tfjs executor disposes each activation once consumed, and the
 * clone is what it disposes.
 *
 * Lifetime: the hook owns its captures (kept tensors: neither `model.apply`'s internal `tf.tidy` nor an
 * enclosing gradient scope frees them). A capture is disposed by the next forward pass through that
 * layer or by `remove()`; `outputs()` is valid until then — clone what you need longer. While
 * installed, `tf.memory().numTensors` counts one tensor per hooked layer that has run.
 *
 * @example
 * ```ts
 * const hooks = hookOutputs(vgg, ['block1_conv1', 'block3_conv2']);
 * const { value, grads } = tf.variableGrads(() => {
 *   vgg.apply(img);                               // output ignored; the hooks saw the activations
 *   const [a, b] = hooks.outputs();
 *   return tf.add(tf.mean(tf.square(a)), tf.mean(tf.square(b))) as tf.Scalar;
 * }, [img]);
 * hooks.remove();                                 // the model is exactly as before
 * ```
 */
export function hookOutputs(model: tfl.LayersModel, layerNames: string[]): OutputHooks {
  if (!Array.isArray(layerNames) || layerNames.length === 0 || layerNames.some((n) => typeof n !== 'string')) {
    throw new TypeError(`hookOutputs: layerNames is ${JSON.stringify(layerNames)}; allowed: a non-empty array of layer names`);
  }
  const layers = layerNames.map((n) => findLayer(model, n, 'hookOutputs: layer'));
  const slots = layers.map((): Slot => ({ owned: false }));
  layers.forEach((l, i) => attach(l, slots[i]));
  let removed = false;
  return {
    outputs(): tf.Tensor[] {
      if (removed) throw new Error('hookOutputs: outputs() after remove()');
      return slots.map((s, i) => {
        if (!s.value) throw new Error(`hookOutputs: layer '${layerNames[i]}' has not run since the hooks were installed (run a forward pass first)`);
        if (s.value.isDisposed) {
          throw new Error(`hookOutputs: the captured output of '${layerNames[i]}' was disposed by someone else (the hook disposes it on the next forward pass or remove())`);
        }
        return s.value;
      });
    },
    remove(): void {
      if (removed) return;
      removed = true;
      layers.forEach((l, i) => detach(l, slots[i]));
    },
  };
}
