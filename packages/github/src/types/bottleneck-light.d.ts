// bottleneck's light build (what @octokit/plugin-throttling imports): the full build's API minus Redis clustering, and no types of its own.
declare module 'bottleneck/light.js' {
  import Bottleneck from 'bottleneck';
  export = Bottleneck;
}
