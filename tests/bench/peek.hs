-- peek.hs — the Haskell twin of examples/peek: the seed's benchmark of
-- unsafeDupablePerformIO vs unsafePerformIO (1024 random peeks into a 1 MiB
-- buffer), with the same harness as the C version instead of criterion:
-- 200 warm-up samples, then the two variants alternate sample by sample;
-- mean, standard deviation and median per sample of 1024 peeks.
--     ghc -O2 -threaded -rtsopts -fno-full-laziness peek.hs && ./peek 2000 +RTS -N2
import Control.DeepSeq (force)
import Control.Exception (evaluate)
import Control.Monad
import Data.List (sort)
import Foreign
import GHC.Clock (getMonotonicTimeNSec)
import GHC.IO (unsafeDupablePerformIO, unsafePerformIO)
import GHC.Conc (getNumCapabilities)
import System.Environment (getArgs)
import System.Random
import Text.Printf

-- nf (map f) idxes, timed; NOINLINE so that every call rebuilds the thunks.
{-# NOINLINE sample #-}
sample :: (Int -> Word8) -> [Int] -> IO (Double, Int)
sample f idxes = do
    t0 <- getMonotonicTimeNSec
    xs <- evaluate (force (map f idxes))
    t1 <- getMonotonicTimeNSec
    return (fromIntegral (t1 - t0) / 1000, sum (map fromIntegral xs))

stats :: [Double] -> (Double, Double, Double)
stats v = (m, sqrt (sum [(x - m) ^ (2 :: Int) | x <- v] / fromIntegral (n - 1)), sort v !! (n `div` 2))
  where n = length v
        m = sum v / fromIntegral n

main :: IO ()
main = do
    args <- getArgs
    let samples = case args of (s:_) -> read s; _ -> 2000 :: Int
        sz = 1024 * 1024
    buf <- mallocBytes sz
    forM_ [0 .. sz - 1] $ \i -> pokeByteOff buf i (fromIntegral (i * 7919 + 13) :: Word8)
    let get i = peekByteOff buf i :: IO Word8
        peek_d i = unsafeDupablePerformIO (get i)
        peek_n i = unsafePerformIO (get i)
        idxes = take 1024 $ randomRs (0, sz - 1) (mkStdGen 49)
    _ <- evaluate (sum idxes)
    replicateM_ 200 (sample peek_d idxes >> sample peek_n idxes)
    rs <- replicateM samples ((,) <$> sample peek_d idxes <*> sample peek_n idxes)
    let (d, n) = unzip rs
    when (map snd d /= map snd n) $ error "the two variants disagree"
    caps <- getNumCapabilities
    let (dm, ds, dmed) = stats (map fst d)
        (nm, ns, nmed) = stats (map fst n)
    printf "peek.hs (GHC): 1024 peeks per sample, %d samples after 200 warm-up, %d capabilities\n" samples caps
    printf "dup    mean %8.2f us  sd %7.2f us  median %8.2f us\n" dm ds dmed
    printf "noDup  mean %8.2f us  sd %7.2f us  median %8.2f us\n" nm ns nmed
    printf "noDup/dup %.2fx mean, %.2fx median\n" (nm / dm) (nmed / dmed)
