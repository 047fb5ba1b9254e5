import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { initBackend } from '../dist/index.js';
process.env.PHASEWISE_QUIET='1';
await initBackend('wasm');
function best(f, n=15){ let b=1e9; for(let i=0;i<n;i++){const t=performance.now(); const r=f(); r.dataSync?.(); tf.dispose(r); b=Math.min(b,performance.now()-t);} return b; }
for (const [h,c,M,s] of [[28,64,1,2],[14,64,1,1],[28,32,2,1],[28,32,1,1]]) {
  const x=tf.randomNormal([64,h,h,c]); const w=tf.randomNormal([3,3,c,M]);
  const info=tf.backend_util.computeConv2DInfo(x.shape,w.shape,s,1,'same',undefined,true);
  const dy=tf.randomNormal(info.outShape);
  const attrs={strides:s,dilations:1,pad:'same'};
  const fl=2*9*info.outShape[0]*info.outShape[1]*info.outShape[2]*c*M;
  const a=tf.randomNormal([9,fl/18/(c*M)]), b=tf.randomNormal([fl/18/(c*M), c*M]);
  const tf_=best(()=>tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter',{x,dy},{...attrs,filterShape:w.shape}));
  const ti=best(()=>tf.engine().runKernel('DepthwiseConv2dNativeBackpropInput',{dy,filter:w},{...attrs,inputShape:x.shape}));
  const tm=best(()=>tf.matMul(a,b));
  console.log(`h${h} c${c} M${M} s${s}: filter ${tf_.toFixed(2)}ms ${(fl/tf_/1e6).toFixed(1)}GF  input ${ti.toFixed(2)}ms ${(fl/ti/1e6).toFixed(1)}GF  mm ${(fl/tm/1e6).toFixed(1)}GF`);
  tf.dispose([x,w,dy,a,b]);
}
